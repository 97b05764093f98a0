namespace CleanSse.Infrastructure.Realtime.EventLog;

public static class EventLogExtensions
{
    /// <summary>Appends an event that has no key of its own, so it is never taken for a duplicate; only staff see it.</summary>
    public static ValueTask<LoggedEvent> AppendAsync(this IEventLog log, string type, string data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        return log.AppendAsync(type, data, deduplicationKey: null, ownerId: null, cancellationToken);
    }

    /// <summary>Appends an event with no owner: only staff streams receive it.</summary>
    public static ValueTask<LoggedEvent> AppendAsync(this IEventLog log, string type, string data, string? deduplicationKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        return log.AppendAsync(type, data, deduplicationKey, ownerId: null, cancellationToken);
    }
}
