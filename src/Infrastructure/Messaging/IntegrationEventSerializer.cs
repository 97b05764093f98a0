using System.Runtime.CompilerServices;
using System.Text.Json;
using CleanSse.Application.Common.Events;

namespace CleanSse.Infrastructure.Messaging;

/// <summary>
/// Turns an integration event's payload into its JSON contract (camelCase, as the stream and the outbox carry it) once
/// per event instance: the unit of work stores that string in the outbox row and the stream publisher sends the same
/// string as the event's data. An event read back from the outbox keeps the JSON it was stored with.
/// </summary>
public sealed class IntegrationEventSerializer
{
    private readonly JsonSerializerOptions _options = new(JsonSerializerDefaults.Web);

    // Keyed by instance, not by value, and dropped with the event: nothing here outlives the events it describes.
    private readonly ConditionalWeakTable<IIntegrationEvent, string> _payloads = [];

    /// <summary>The payload's JSON; serialized the first time it is asked for, then the same string every time.</summary>
    public string Serialize(IIntegrationEvent integrationEvent, IntegrationEventType type)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        ArgumentNullException.ThrowIfNull(type);
        return _payloads.GetOrAdd(
            integrationEvent,
            static (raised, state) => JsonSerializer.Serialize(state.Type.PayloadOf(raised), state.Type.PayloadClrType, state.Options),
            (Type: type, Options: _options));
    }

    /// <summary>Rebuilds a stored event; its payload's JSON is remembered, so it is not serialized again.</summary>
    /// <exception cref="JsonException">The payload does not match the type's contract.</exception>
    public IIntegrationEvent Deserialize(IntegrationEventType type, Guid eventId, DateTimeOffset occurredAt, string payload)
    {
        ArgumentNullException.ThrowIfNull(type);
        var data = JsonSerializer.Deserialize(payload, type.PayloadClrType, _options)
            ?? throw new JsonException($"The payload of {type} event {eventId} is null.");
        var integrationEvent = type.Create(eventId, occurredAt, data);
        _payloads.AddOrUpdate(integrationEvent, payload);
        return integrationEvent;
    }
}
