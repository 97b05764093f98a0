using System.Collections.Frozen;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using CleanSse.Api.Endpoints;
using CleanSse.Application.Orders;
using Microsoft.AspNetCore.Identity.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CleanSse.Api.OpenApi;

/// <summary>
/// Gives the service's schemas an example, built from their JSON properties so that an example never names a property
/// its type does not have, and lists the order statuses where a status is read or written.
/// </summary>
internal sealed class ExamplesSchemaTransformer : IOpenApiSchemaTransformer
{
    private const string OrderId = "0193a3c4e5f67a8b9c0d1e2f3a4b5c6d";

    private static readonly FrozenDictionary<string, Func<JsonNode?>> ValueOf = new Dictionary<string, Func<JsonNode?>>(StringComparer.Ordinal)
    {
        ["id"] = () => OrderId,
        ["customerId"] = () => "5d0c7d8e-1f3a-4b6c-9d2e-7f8a9b0c1d2e",
        ["customer"] = () => "Ada",
        ["items"] = () => new JsonArray(Item()),
        ["note"] = () => "Leave at the door",
        ["total"] = () => 25.0m,
        ["status"] = () => "new",
        ["createdAt"] = () => "2026-12-02T07:31:00Z",
        ["updatedAt"] = () => "2026-12-02T07:31:00Z",
        ["sku"] = () => "BOOK-1",
        ["quantity"] = () => 2,
        ["unitPrice"] = () => 12.5m,
        ["orders"] = () => new JsonArray(Order()),
        ["next"] = () => "MDE5M2EzYzRlNWY2N2E4YjljMGQxZTJmM2E0YjVjNmQ",
        ["email"] = () => "ada@example.com",
        ["password"] = () => "Correct-horse-1",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(ProblemDetails))
        {
            schema.Examples = [new JsonObject
            {
                ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
                ["title"] = "Not Found",
                ["status"] = 404,
                ["detail"] = $"Order {OrderId} was not found.",
            }];
        }
        else if (type == typeof(HttpValidationProblemDetails))
        {
            schema.Examples = [new JsonObject
            {
                ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                ["title"] = "One or more validation errors occurred.",
                ["status"] = 400,
                ["errors"] = new JsonObject { ["items[0].quantity"] = new JsonArray("'quantity' must be between 1 and 1000.") },
            }];
        }
        else if (type == typeof(ChangeOrderStatusRequest))
        {
            schema.Examples = [new JsonObject { ["status"] = "paid" }];
        }
        else if (IsOurs(type) && context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && FromProperties(context.JsonTypeInfo) is { } example)
        {
            schema.Examples = [example];
        }

        if (IsOurs(type) && schema.Properties?.TryGetValue("status", out var status) == true && status is OpenApiSchema statusSchema)
        {
            statusSchema.Enum = [.. OrderStatusNames.All.Order(StringComparer.Ordinal).Select(name => (JsonNode)name)];
        }

        return Task.CompletedTask;
    }

    private static bool IsOurs(Type type) =>
        type.Namespace?.StartsWith("CleanSse.", StringComparison.Ordinal) == true
        || type == typeof(LoginRequest) || type == typeof(RegisterRequest);

    /// <summary>An example of every property, or none when the type has a property without a known example.</summary>
    private static JsonObject? FromProperties(JsonTypeInfo info)
    {
        var example = new JsonObject();
        foreach (var property in info.Properties)
        {
            if (!ValueOf.TryGetValue(property.Name, out var value))
            {
                return null;
            }

            example[property.Name] = value();
        }

        return example.Count == 0 ? null : example;
    }

    private static JsonObject Item() => new() { ["sku"] = "BOOK-1", ["quantity"] = 2, ["unitPrice"] = 12.5m };

    private static JsonObject Order() => new()
    {
        ["id"] = OrderId,
        ["customerId"] = "5d0c7d8e-1f3a-4b6c-9d2e-7f8a9b0c1d2e",
        ["customer"] = "Ada",
        ["items"] = new JsonArray(Item()),
        ["note"] = "Leave at the door",
        ["total"] = 25.0m,
        ["status"] = "new",
        ["createdAt"] = "2026-12-02T07:31:00Z",
        ["updatedAt"] = "2026-12-02T07:31:00Z",
    };
}
