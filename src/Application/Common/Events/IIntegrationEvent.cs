namespace CleanSse.Application.Common.Events;

/// <summary>
/// A fact that leaves the process once the change it reports is committed. It is stored with that change (the
/// outbox) and published after the commit, in commit order, by the one ordered dispatcher, to the event log.
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>Assigned when the event is raised (a version 7 guid); consumers drop a second delivery by it.</summary>
    Guid EventId { get; }

    DateTimeOffset OccurredAt { get; }
}

/// <summary>An integration event that names its own contract, so none can be raised without one.</summary>
/// <typeparam name="TSelf">The event type itself.</typeparam>
public interface IIntegrationEvent<TSelf> : IIntegrationEvent
    where TSelf : IIntegrationEvent<TSelf>
{
    /// <summary>The stored name and version of this event and how its payload is taken and restored.</summary>
    static abstract IntegrationEventType EventType { get; }
}
