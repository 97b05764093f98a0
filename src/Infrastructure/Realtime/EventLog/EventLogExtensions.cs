namespace CleanSse.Infrastructure.Realtime.EventLog;

public static class EventLogExtensions
{
    /// <summary>Appends an event that has no key of its own, so it is never taken for a duplicate.</summary>
    public static ValueTask<LoggedEvent> AppendAsync(this IEventLog log, string type, string data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        return log.AppendAsync(type, data, deduplicationKey: null, cancellationToken);
    }
}
