using System.Globalization;
using System.Text.Json;
using CleanSse.Application.Orders.Notifications;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure.Realtime.Publishing;

/// <summary>
/// The one mapping from order notifications to stream events, used by the outbox and the publisher alike. Keys are the
/// events' own identity: an order is created once, and it reaches each status at most once, since statuses only move on.
/// </summary>
public sealed class OrderEventEnvelopeFactory(IOptions<JsonOptions> json)
{
    public const string NewOrderEventType = "new-order";
    public const string OrderUpdatedEventType = "order-updated";

    public OrderEventEnvelope Create(INotification notification) => notification switch
    {
        OrderCreated created => new OrderEventEnvelope(
            NewOrderEventType,
            string.Create(CultureInfo.InvariantCulture, $"order:{created.Order.Id}:created"),
            JsonSerializer.Serialize(created.Order, json.Value.SerializerOptions)),
        OrderStatusChanged changed => new OrderEventEnvelope(
            OrderUpdatedEventType,
            string.Create(CultureInfo.InvariantCulture, $"order:{changed.Order.Id}:{changed.Order.Status}"),
            JsonSerializer.Serialize(changed.Order, json.Value.SerializerOptions)),
        _ => throw new ArgumentException($"No stream event is defined for {notification?.GetType().Name}.", nameof(notification)),
    };
}
