using CleanSse.Application.Common.Events;
using CleanSse.Domain.Orders;

namespace CleanSse.Application.Orders.Events;

/// <summary>An order was created. Published only once it is committed.</summary>
public sealed record OrderCreated(Guid EventId, DateTimeOffset OccurredAt, OrderSnapshotV1 Order)
    : IIntegrationEvent<OrderCreated>
{
    public static IntegrationEventType EventType { get; } = IntegrationEventType.Define<OrderCreated, OrderSnapshotV1>(
        "order-created",
        version: 1,
        created => created.Order,
        (eventId, occurredAt, order) => new OrderCreated(eventId, occurredAt, order));

    public static OrderCreated For(Order order, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), now, OrderSnapshotV1.From(order));
}
