using CleanSse.Application.Orders.Notifications;
using CleanSse.Infrastructure.Persistence.Outbox;
using CleanSse.Infrastructure.Realtime.EventLog;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanSse.Infrastructure.Realtime.Publishing;

/// <summary>
/// Publishes committed order changes to the stream: the event (serialized once) is appended to the event log, whose
/// live feed carries the same bytes to every stream, and its outbox entry is marked done. It never waits on a client,
/// and a failure here never fails the request: the outbox dispatcher appends what this could not.
/// </summary>
public sealed partial class OrderEventsSsePublisher(
    IEventLog log,
    OutboxStore outbox,
    OrderEventEnvelopeFactory envelopes,
    RealtimeMetrics metrics,
    ILogger<OrderEventsSsePublisher> logger)
    : INotificationHandler<OrderCreated>, INotificationHandler<OrderStatusChanged>
{
    public ValueTask Handle(OrderCreated notification, CancellationToken cancellationToken) =>
        PublishAsync(notification, cancellationToken);

    public ValueTask Handle(OrderStatusChanged notification, CancellationToken cancellationToken) =>
        PublishAsync(notification, cancellationToken);

    private async ValueTask PublishAsync(INotification notification, CancellationToken cancellationToken)
    {
        var envelope = envelopes.Create(notification);
        try
        {
            var logged = await log.AppendAsync(envelope.Type, envelope.Data, envelope.Key, cancellationToken);
            metrics.EventPublished();
            LogPublished(envelope.Type, envelope.Key, logged.Id);
            await outbox.MarkDispatchedAsync(envelope.Key, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            metrics.PublishFailed();
            LogPublishFailed(exception, envelope.Type, envelope.Key);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {EventType} {Key} as event {EventId}")]
    private partial void LogPublished(string eventType, string key, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {EventType} {Key} now; the outbox will")]
    private partial void LogPublishFailed(Exception exception, string eventType, string key);
}
