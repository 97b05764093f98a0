namespace CleanSse.Client.Orders;

/// <summary>An order as the service's API and event stream show it.</summary>
/// <param name="Status">One of <c>new</c>, <c>paid</c>, <c>shipped</c>, <c>cancelled</c>.</param>
/// <param name="CreatedAt">When the order was created (UTC).</param>
public sealed record OrderDto(
    string Id,
    string Customer,
    IReadOnlyList<OrderItemDto> Items,
    string? Note,
    decimal Total,
    string Status,
    DateTimeOffset CreatedAt);

public sealed record OrderItemDto(string Sku, int Quantity, decimal UnitPrice);
