using System.Diagnostics;
using Mediator;

namespace CleanSse.Application.Common.Events;

/// <summary>
/// A batch of committed integration events, in commit order, published through the mediator to the event log's
/// handler, which appends them in one step (all or none) and records the position each was logged at.
/// </summary>
public sealed class IntegrationEventsCommitted : INotification
{
    public IntegrationEventsCommitted(IReadOnlyList<IIntegrationEvent> events, IReadOnlyList<ActivityContext>? traces = null)
    {
        Events = events ?? throw new ArgumentNullException(nameof(events));
        if (traces is not null && traces.Count != events.Count)
        {
            throw new ArgumentException("Every event needs its trace context.", nameof(traces));
        }

        Traces = traces;
    }

    public IReadOnlyList<IIntegrationEvent> Events { get; }

    /// <summary>
    /// The <c>publish</c> span of each event, in order, under which its log append is traced (each event of a batch
    /// may belong to another request's trace); null when nothing is traced.
    /// </summary>
    public IReadOnlyList<ActivityContext>? Traces { get; }

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
