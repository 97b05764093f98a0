namespace CleanSse.Infrastructure.Realtime.EventLog;

/// <summary>
/// The ordered, bounded history of published events, shared by every connection of a process (or, with Redis, of
/// every process). Positions grow in append order; ids carry the log's identity, so an id from another log, an
/// earlier process or a wiped store is recognised as unknown and never taken for a recent one.
/// </summary>
public interface IEventLog
{
    /// <summary>Appends an event and returns it with its id and position.</summary>
    /// <param name="type">The SSE event type.</param>
    /// <param name="data">The event's data, already serialized.</param>
    /// <param name="deduplicationKey">
    /// The event's own id (its integration event id). Delivery to the log is at least once (the outbox may retry an
    /// append whose answer was lost), so an append whose key is already in the retained history returns the event logged
    /// the first time, and appends nothing.
    /// </param>
    /// <param name="ownerId">
    /// The customer whose streams may receive the event besides staff's (the order's owner); <see langword="null"/>
    /// for an event only staff may see. Kept with the event, so replay and every instance's live feed filter alike.
    /// </param>
    /// <param name="cancellationToken">Cancels the append.</param>
    ValueTask<LoggedEvent> AppendAsync(string type, string data, string? deduplicationKey, string? ownerId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="events"/> in order, all or none, and returns them as logged (a repeated key returns the
    /// event logged the first time). One step for the whole batch, so a backlog drains in few round trips and a batch
    /// never lands in part, which would let a later event of it overtake an earlier one.
    /// </summary>
    /// <exception cref="EventLogLostException">The log lost events it held and must be restored first.</exception>
    async ValueTask<IReadOnlyList<LoggedEvent>> AppendBatchAsync(IReadOnlyList<EventAppend> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var logged = new LoggedEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            // One by one, each kept under the current span: a log that keeps each event's own traceparent appends batches itself.
            var (type, data, key, owner, _) = events[i];
            logged[i] = await AppendAsync(type, data, key, owner, cancellationToken);
        }

        return logged;
    }

    /// <summary>False when the log lost events it held (its store came back empty or behind) and waits for a restore.</summary>
    ValueTask<bool> IsIntactAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    /// <summary>
    /// Puts back, under their first ids and oldest first, events the log held before it lost them, and marks what is
    /// older than the first of them as trimmed, so a reader that needed it is told (a gap) rather than left short.
    /// </summary>
    ValueTask RestoreAsync(IReadOnlyList<EventToRestore> events, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// An instant at or before the time the event with this id was logged, read from the id alone (the id may be gone
    /// from the log, or from an earlier log); null when the id tells nothing.
    /// </summary>
    DateTimeOffset? LoggedNoEarlierThan(string id) => null;

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
