namespace CleanSse.Application.Common.Events;

/// <summary>
/// The contract of one integration event type: the name and version it is stored under, the type of its payload, and
/// how an event is split into its envelope (id, time) and payload, and put back together from them.
/// </summary>
public sealed class IntegrationEventType
{
    private readonly Func<IIntegrationEvent, object> _payload;
    private readonly Func<Guid, DateTimeOffset, object, IIntegrationEvent> _create;

    private IntegrationEventType(
        string name,
        int version,
        Type eventClrType,
        Type payloadClrType,
        Func<IIntegrationEvent, object> payload,
        Func<Guid, DateTimeOffset, object, IIntegrationEvent> create)
    {
        Name = name;
        Version = version;
        EventClrType = eventClrType;
        PayloadClrType = payloadClrType;
        _payload = payload;
        _create = create;
    }

    /// <summary>The stored name, stable across renames of the CLR type.</summary>
    public string Name { get; }

    /// <summary>Bumped when the payload changes in a way a reader of the previous version cannot read.</summary>
    public int Version { get; }

    public Type EventClrType { get; }

    public Type PayloadClrType { get; }

    public static IntegrationEventType Define<TEvent, TPayload>(
        string name,
        int version,
        Func<TEvent, TPayload> payload,
        Func<Guid, DateTimeOffset, TPayload, TEvent> create)
        where TEvent : IIntegrationEvent
        where TPayload : notnull
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(create);
        return new IntegrationEventType(
            name,
            version,
            typeof(TEvent),
            typeof(TPayload),
            integrationEvent => payload((TEvent)integrationEvent),
            (id, occurredAt, data) => create(id, occurredAt, (TPayload)data));
    }

    /// <summary>The part of the event that is serialized: its contract, without the envelope.</summary>
    public object PayloadOf(IIntegrationEvent integrationEvent)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        if (integrationEvent.GetType() != EventClrType)
        {
            throw new ArgumentException($"{integrationEvent.GetType().Name} is not a {Name} event.", nameof(integrationEvent));
        }

        return _payload(integrationEvent);
    }

    /// <summary>Rebuilds an event from its stored envelope and payload.</summary>
    public IIntegrationEvent Create(Guid eventId, DateTimeOffset occurredAt, object payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return _create(eventId, occurredAt, payload);
    }

    public override string ToString() => $"{Name} v{Version}";
}
