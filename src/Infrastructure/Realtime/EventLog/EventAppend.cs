namespace CleanSse.Infrastructure.Realtime.EventLog;

/// <summary>
/// One event to append: its SSE type, its data, its de-duplication key and its owner (see <see cref="IEventLog.AppendAsync"/>),
/// and the W3C <c>traceparent</c> of its append span, which the log keeps with it so its delivery continues that trace.
/// </summary>
public sealed record EventAppend(string Type, string Data, string? DeduplicationKey, string? OwnerId, string? TraceParent = null);

/// <summary>An event to put back into a log that lost it, under the id it was first logged with.</summary>
public sealed record EventToRestore(EventAppend Event, string Id);

/// <summary>The log lost events it held (its store restarted empty, was flushed, or failed over behind).</summary>
public sealed class EventLogLostException : Exception
{
    public EventLogLostException()
        : base("The event log lost events it held; it must be restored before anything is appended.")
    {
    }

    public EventLogLostException(string message)
        : base(message)
    {
    }

    public EventLogLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
