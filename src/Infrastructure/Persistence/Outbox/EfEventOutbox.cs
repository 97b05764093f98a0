using CleanSse.Application.Common.Messaging;
using CleanSse.Infrastructure.Realtime.Publishing;
using Mediator;

namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>Adds the event to the same DbContext as the change, so one SaveChanges commits both or neither.</summary>
internal sealed class EfEventOutbox(OrdersDbContext db, OrderEventEnvelopeFactory envelopes, TimeProvider clock) : IEventOutbox
{
    public void Stage(INotification notification)
    {
        var envelope = envelopes.Create(notification);
        db.OutboxMessages.Add(new OutboxMessage
        {
            Key = envelope.Key,
            Type = envelope.Type,
            Data = envelope.Data,
            CreatedAt = clock.GetUtcNow(),
        });
    }
}
