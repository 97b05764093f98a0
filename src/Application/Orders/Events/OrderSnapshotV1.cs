using CleanSse.Domain.Orders;

namespace CleanSse.Application.Orders.Events;

/// <summary>
/// Version 1 of an order as order events carry it: the <c>data</c> of the stream's events and the payload of their
/// outbox rows. It is its own contract: the REST shape (<see cref="OrderDto"/>) may change without changing it.
/// <see cref="UpdatedAt"/> was added to version 1 as an optional field: readers of older rows find it missing.
/// </summary>
public sealed record OrderSnapshotV1(
    string Id,
    string CustomerId,
    string Customer,
    IReadOnlyList<OrderLineSnapshotV1> Items,
    string? Note,
    decimal Total,
    string Status,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static OrderSnapshotV1 From(Order order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new OrderSnapshotV1(
            order.Id,
            order.CustomerId,
            order.Customer,
            [.. order.Lines.Select(line => new OrderLineSnapshotV1(line.Sku, line.Quantity, line.UnitPrice))],
            order.Note,
            order.Total,
            OrderStatusNames.ToName(order.Status),
            order.CreatedAt.UtcDateTime,
            order.UpdatedAt.UtcDateTime);
    }
}

public sealed record OrderLineSnapshotV1(string Sku, int Quantity, decimal UnitPrice);
