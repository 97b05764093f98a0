namespace CleanSse.Application.Common.Events;

/// <summary>
/// The process's one ordered dispatcher of committed events: it publishes what waits in the outbox oldest first, so
/// a request's events never overtake older ones still waiting (after an outage, or left by another instance).
/// </summary>
public interface IIntegrationEventDispatcher
{
    /// <summary>
    /// Asks for <paramref name="committed"/> (just committed) to be published, behind everything older, and waits for
    /// that attempt. Never throws for a failed publish: what did not go out stays waiting and is retried.
    /// </summary>
    Task DispatchAsync(IReadOnlyList<IIntegrationEvent> committed, CancellationToken cancellationToken);
}
