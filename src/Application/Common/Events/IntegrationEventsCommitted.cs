using Mediator;

namespace CleanSse.Application.Common.Events;

/// <summary>
/// A batch of committed integration events, in commit order, published through the mediator to the event log's
/// handler, which appends them in one step (all or none) and records the position each was logged at.
/// </summary>
public sealed class IntegrationEventsCommitted(IReadOnlyList<IIntegrationEvent> events) : INotification
{
    public IReadOnlyList<IIntegrationEvent> Events { get; } = events ?? throw new ArgumentNullException(nameof(events));

    /// <summary>The log's position of each event, in order, once the log's handler appended them; null until then.</summary>
    public IReadOnlyList<string>? Positions { get; private set; }

    /// <summary>Called by the handler that logged the batch.</summary>
    public void RecordPositions(IReadOnlyList<string> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Count != Events.Count)
        {
            throw new ArgumentException("Every event needs its position.", nameof(positions));
        }

        Positions = positions;
    }
}
