namespace CleanSse.Application.Orders;

/// <summary>An order as the API and the event stream show it; <see cref="CreatedAt"/> is UTC.</summary>
public sealed record OrderDto(
    string Id,
    string Customer,
    IReadOnlyList<OrderItemDto> Items,
    string? Note,
    decimal Total,
    string Status,
    DateTime CreatedAt);

public sealed record OrderItemDto(string Sku, int Quantity, decimal UnitPrice);
