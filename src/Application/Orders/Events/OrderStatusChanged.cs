using CleanSse.Application.Common.Events;
using CleanSse.Domain.Orders;

namespace CleanSse.Application.Orders.Events;

/// <summary>An order moved to a new status (carried in the snapshot). Published only once it is committed.</summary>
public sealed record OrderStatusChanged(Guid EventId, DateTimeOffset OccurredAt, OrderSnapshotV1 Order)
    : IIntegrationEvent<OrderStatusChanged>
{
    public static IntegrationEventType EventType { get; } = IntegrationEventType.Define<OrderStatusChanged, OrderSnapshotV1>(
        "order-status-changed",
        version: 1,
        changed => changed.Order,
        (eventId, occurredAt, order) => new OrderStatusChanged(eventId, occurredAt, order));

    public static OrderStatusChanged For(Order order, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), now, OrderSnapshotV1.From(order));
}
