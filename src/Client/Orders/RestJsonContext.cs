using System.Text.Json;
using System.Text.Json.Serialization;

namespace CleanSse.Client.Orders;

/// <summary>The body of <c>PATCH /api/orders/{id}</c>.</summary>
internal sealed record StatusChange(string Status);

/// <summary>The body of <c>GET /api/orders</c>; <c>next</c> is absent from services that do not page.</summary>
internal sealed record OrderPageData(IReadOnlyList<OrderDto>? Orders, string? Next);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(NewOrder))]
[JsonSerializable(typeof(StatusChange))]
[JsonSerializable(typeof(OrderDto))]
[JsonSerializable(typeof(OrderPageData))]
[JsonSerializable(typeof(OrderStats))]
internal sealed partial class RestJsonContext : JsonSerializerContext;
