using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CleanSse.Client.Orders;

/// <summary>Reads the orders service's stream (<c>GET /api/events</c>) as typed events.</summary>
public static class OrderEvents
{
    /// <summary>The type of the event the service sends when an order is created.</summary>
    public const string NewOrderType = "new-order";

    /// <summary>The type of the event the service sends when an order changes.</summary>
    public const string OrderUpdatedType = "order-updated";

    /// <summary>
    /// The typed events of the stream; events of other types are skipped. Ends or fails as
    /// <see cref="SseClient.ReadEventsAsync"/> does.
    /// </summary>
    /// <exception cref="InvalidDataException">An event's data is not what its type promises.</exception>
    public static async IAsyncEnumerable<OrderStreamEvent> ReadOrderEventsAsync(
        this SseClient client,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        await foreach (var sseEvent in client.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Parse(sseEvent) is { } typed)
            {
                yield return typed;
            }
        }
    }

    /// <summary>The typed form of one event, or null for a type the service does not send.</summary>
    /// <exception cref="InvalidDataException">The event's data is not what its type promises.</exception>
    public static OrderStreamEvent? Parse(SseEvent sseEvent)
    {
        ArgumentNullException.ThrowIfNull(sseEvent);
        try
        {
            switch (sseEvent.Type)
            {
                case NewOrderType:
                    return new OrderCreated(ReadOrder(sseEvent), sseEvent.LastEventId);
                case OrderUpdatedType:
                    return new OrderUpdated(ReadOrder(sseEvent), sseEvent.LastEventId);
                case SseEvent.ResetType:
                    var reset = JsonSerializer.Deserialize(sseEvent.Data, OrderEventsJsonContext.Default.ResetData);
                    return new StreamReset(reset?.Reason ?? "unknown", reset?.LastEventId, sseEvent.LastEventId)
                    {
                        ChangedSince = reset?.ChangedSince,
                    };
                case SseEvent.DefaultType:
                    return IsConnected(sseEvent.Data) ? new StreamConnected(sseEvent.LastEventId) : null;
                default:
                    return null;
            }
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException(
                $"The data of a '{sseEvent.Type}' event (last event id '{sseEvent.LastEventId}') is not valid: {exception.Message}",
                exception);
        }
    }

    private static bool IsConnected(string data)
    {
        try
        {
            return JsonSerializer.Deserialize(data, OrderEventsJsonContext.Default.MessageData)?.Type == "connected";
        }
        catch (JsonException)
        {
            // An unnamed message that is not the service's greeting: not one of its events.
            return false;
        }
    }

    private static OrderDto ReadOrder(SseEvent sseEvent) =>
        JsonSerializer.Deserialize(sseEvent.Data, OrderEventsJsonContext.Default.OrderDto)
        ?? throw new JsonException("The order is null.");
}

internal sealed record ResetData(string? Reason, string? LastEventId, DateTimeOffset? ChangedSince);

internal sealed record MessageData(string? Type);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(OrderDto))]
[JsonSerializable(typeof(ResetData))]
[JsonSerializable(typeof(MessageData))]
internal sealed partial class OrderEventsJsonContext : JsonSerializerContext;
