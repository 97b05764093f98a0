using System.Text.Json;
using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Notifications;
using CleanSse.Infrastructure.Realtime.EventLog;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure.Realtime.Publishing;

/// <summary>
/// Turns order notifications into stream events: the order is serialized once, with the API's own JSON settings, and
/// appended to the event log, whose live feed carries it to every stream. It never waits on a client.
/// </summary>
public sealed partial class OrderEventsSsePublisher(
    IEventLog log,
    RealtimeMetrics metrics,
    IOptions<JsonOptions> json,
    ILogger<OrderEventsSsePublisher> logger)
    : INotificationHandler<OrderCreated>, INotificationHandler<OrderStatusChanged>
{
    public const string NewOrderEventType = "new-order";
    public const string OrderUpdatedEventType = "order-updated";

    public ValueTask Handle(OrderCreated notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return PublishAsync(NewOrderEventType, notification.Order, cancellationToken);
    }

    public ValueTask Handle(OrderStatusChanged notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return PublishAsync(OrderUpdatedEventType, notification.Order, cancellationToken);
    }

    private async ValueTask PublishAsync(string type, OrderDto order, CancellationToken cancellationToken)
    {
        try
        {
            var data = JsonSerializer.Serialize(order, json.Value.SerializerOptions);
            var logged = await log.AppendAsync(type, data, cancellationToken);
            metrics.EventPublished();
            LogPublished(type, order.Id, logged.Id);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The order is committed; a realtime failure must not turn its response into an error.
            metrics.PublishFailed();
            LogPublishFailed(exception, type, order.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {EventType} for order {OrderId} as event {EventId}")]
    private partial void LogPublished(string eventType, string orderId, string eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not publish {EventType} for order {OrderId}")]
    private partial void LogPublishFailed(Exception exception, string eventType, string orderId);
}
