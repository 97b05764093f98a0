using System.Diagnostics;
using System.Globalization;
using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Tracing;
using CleanSse.Application.Orders.Events;
using CleanSse.Infrastructure.Messaging;
using CleanSse.Infrastructure.Realtime.EventLog;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanSse.Infrastructure.Realtime.Publishing;

/// <summary>
/// Puts committed order events on the stream: the event's payload (its JSON contract, serialized once and shared with
/// its outbox row) is appended to the event log under the event's id, with the order's owner, and the log's live feed
/// carries the same bytes to every stream that may see it (staff's, and the owner's). It never waits on a client. A
/// failure is thrown back to the publishing step, which leaves the event in the outbox for the sweep; an event appended
/// twice (request and sweep) is logged once, by its id.
/// </summary>
/// <remarks>Public because the mediator's generated registrations in the Api project name it.</remarks>
public sealed partial class OrderEventsSsePublisher(
    IEventLog log,
    IntegrationEventSerializer serializer,
    RealtimeMetrics metrics,
    ILogger<OrderEventsSsePublisher> logger)
    : INotificationHandler<OrderCreated>, INotificationHandler<OrderStatusChanged>
{
    public const string NewOrderEventType = "new-order";
    public const string OrderUpdatedEventType = "order-updated";

    public ValueTask Handle(OrderCreated notification, CancellationToken cancellationToken) =>
        AppendAsync(NewOrderEventType, notification, OrderCreated.EventType, notification.Order.CustomerId, cancellationToken);

    public ValueTask Handle(OrderStatusChanged notification, CancellationToken cancellationToken) =>
        AppendAsync(OrderUpdatedEventType, notification, OrderStatusChanged.EventType, notification.Order.CustomerId, cancellationToken);

    /// <summary>The key the log de-duplicates by: the event's own id, whatever the domain allows.</summary>
    public static string DeduplicationKeyOf(IIntegrationEvent integrationEvent)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        return integrationEvent.EventId.ToString("N", CultureInfo.InvariantCulture);
    }

    /// <param name="ownerId">The order's customer: the log keeps it, so only that customer's streams (and staff's) get the event.</param>
    private async ValueTask AppendAsync(
        string sseType,
        IIntegrationEvent integrationEvent,
        IntegrationEventType type,
        string ownerId,
        CancellationToken cancellationToken)
    {
        var data = serializer.Serialize(integrationEvent, type);

        // StackExchange.Redis's instrumentation is a prerelease package: the append is traced here, for either log. The
        // log keeps this span's context with the event, and each delivery continues it.
        using var activity = Telemetry.Source.StartActivity($"append {sseType}", ActivityKind.Producer);
        activity?.SetTag("cleansse.event.id", integrationEvent.EventId);
        try
        {
            var logged = await log.AppendAsync(sseType, data, DeduplicationKeyOf(integrationEvent), ownerId, cancellationToken);
            metrics.EventPublished();
            activity?.SetTag("cleansse.stream.event_id", logged.Id);
            LogPublished(sseType, integrationEvent.EventId, logged.Id);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.PublishFailed();
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {EventType} {IntegrationEventId} as stream event {StreamEventId}")]
    private partial void LogPublished(string eventType, Guid integrationEventId, string streamEventId);
}
