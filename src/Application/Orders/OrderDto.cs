namespace CleanSse.Application.Orders;

/// <summary>An order as the REST API shows it; <see cref="CreatedAt"/> is UTC. The event stream has its own contract (OrderSnapshotV1).</summary>
public sealed record OrderDto(
    string Id,
    string CustomerId,
    string Customer,
    IReadOnlyList<OrderItemDto> Items,
    string? Note,
    decimal Total,
    string Status,
    DateTime CreatedAt);

public sealed record OrderItemDto(string Sku, int Quantity, decimal UnitPrice);
