namespace CleanSse.Application.Common.Events;

/// <summary>
/// The ordered log committed integration events are published to (the event stream's shared history), as the
/// dispatcher keeps it whole: batches reach it through the mediator (<see cref="IntegrationEventsCommitted"/>); a
/// handler that finds the log lost throws <see cref="IntegrationEventLogLostException"/>, and the dispatcher restores it.
/// </summary>
public interface IIntegrationEventLog
{
    /// <summary>False when the log lost events it held (its store came back empty or behind) and waits for a restore.</summary>
    Task<bool> IsIntactAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Puts back events the log held before it lost them, each at the position it was first logged at, and marks
    /// everything older than the first of them as gone, so a reader that needs more is told rather than left short.
    /// </summary>
    Task RestoreAsync(IReadOnlyList<LoggedIntegrationEvent> retained, CancellationToken cancellationToken);
}

/// <summary>
/// An event with the position the log first gave it, and the <c>traceparent</c> it was committed under (null when
/// untraced), so the entry put back still leads to its request's trace.
/// </summary>
public sealed record LoggedIntegrationEvent(IIntegrationEvent Event, string Position, string? TraceParent = null);

/// <summary>The log lost events it had (its store restarted empty, was flushed, or failed over behind).</summary>
public sealed class IntegrationEventLogLostException : Exception
{
    public IntegrationEventLogLostException()
        : base("The event log lost events it held; it must be restored before anything is appended.")
    {
    }

    public IntegrationEventLogLostException(string message)
        : base(message)
    {
    }

    public IntegrationEventLogLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
