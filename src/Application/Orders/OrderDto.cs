namespace CleanSse.Application.Orders;

/// <summary>
/// An order as the REST API shows it; <see cref="CreatedAt"/> and <see cref="UpdatedAt"/> (the last change, the creation
/// until then) are UTC. The event stream has its own contract (OrderSnapshotV1).
/// </summary>
public sealed record OrderDto(
    string Id,
    string CustomerId,
    string Customer,
    IReadOnlyList<OrderItemDto> Items,
    string? Note,
    decimal Total,
    string Status,
    DateTime CreatedAt,
    DateTime UpdatedAt);

public sealed record OrderItemDto(string Sku, int Quantity, decimal UnitPrice);

/// <summary>An order and its version, which the API answers as the order's <c>ETag</c>.</summary>
public sealed record VersionedOrderDto(OrderDto Order, long Version);
