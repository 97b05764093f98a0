namespace CleanSse.Infrastructure.Realtime.EventLog;

/// <summary>
/// The ordered, bounded history of published events, shared by every connection of a process (or, with Redis, of
/// every process). Positions grow in append order; ids carry the log's identity, so an id from another log, an
/// earlier process or a wiped store is recognised as unknown and never taken for a recent one.
/// </summary>
public interface IEventLog
{
    /// <summary>Appends an event and returns it with its id and position.</summary>
    ValueTask<LoggedEvent> AppendAsync(string type, string data, CancellationToken cancellationToken);

    /// <summary>The position of the newest event, or of the log's origin when it is empty.</summary>
    ValueTask<(EventPosition Position, string Id)> GetHeadAsync(CancellationToken cancellationToken);

    /// <summary>Decides whether the events after a client's last id can still be replayed.</summary>
    ValueTask<ResumePoint> ResolveAsync(string lastEventId, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="maxCount"/> events after <paramref name="after"/>, oldest first.</summary>
    /// <exception cref="HistoryGapException">Events right after <paramref name="after"/> are no longer retained.</exception>
    ValueTask<IReadOnlyList<LoggedEvent>> ReadAfterAsync(EventPosition after, int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// Every event appended from now on, in order. A process reads this once, in one loop, and fans out locally.
    /// </summary>
    IAsyncEnumerable<LoggedEvent> SubscribeAsync(CancellationToken cancellationToken);
}
