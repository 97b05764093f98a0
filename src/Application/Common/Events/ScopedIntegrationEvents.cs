namespace CleanSse.Application.Common.Events;

/// <summary>
/// The events of one scope (one request, or one sweep). Those raised wait for the unit of work; once it has committed
/// them they wait for the publishing step. Nothing else can take them, so nothing is published before its commit.
/// </summary>
public sealed class ScopedIntegrationEvents : IIntegrationEvents
{
    private readonly List<RaisedIntegrationEvent> _uncommitted = [];
    private readonly List<RaisedIntegrationEvent> _committed = [];

    /// <summary>Raised and not yet committed, in the order they were raised.</summary>
    public IReadOnlyList<RaisedIntegrationEvent> Uncommitted => [.. _uncommitted];

    public void Raise<TEvent>(TEvent integrationEvent)
        where TEvent : IIntegrationEvent<TEvent>
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        _uncommitted.Add(new RaisedIntegrationEvent(integrationEvent, TEvent.EventType));
    }

    /// <summary>Called by the unit of work once <paramref name="events"/> are committed with the change.</summary>
    public void MarkCommitted(IReadOnlyList<RaisedIntegrationEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var committed in events)
        {
            if (_uncommitted.Remove(committed))
            {
                _committed.Add(committed);
            }
        }
    }

    /// <summary>The committed events not yet handed out, oldest first; each is handed out once.</summary>
    public IReadOnlyList<IIntegrationEvent> TakeCommitted()
    {
        if (_committed.Count == 0)
        {
            return [];
        }

        IIntegrationEvent[] taken = [.. _committed.Select(raised => raised.Event)];
        _committed.Clear();
        return taken;
    }
}
