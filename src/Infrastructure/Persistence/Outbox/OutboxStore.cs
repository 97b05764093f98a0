using CleanSse.Application.Common.Events;
using CleanSse.Infrastructure.Persistence.Reading;
using CleanSse.Infrastructure.Persistence.Writing;
using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>Reads what waits in the outbox and records what was published.</summary>
internal sealed class OutboxStore(
    Lazy<OrdersDbContext> context,
    TimeProvider clock,
    IDatabaseWriter writer,
    IDatabaseReader reader,
    IPendingOutboxReader pending,
    PublishedMarkStatements marks) : IOutbox
{
    // Rented from the pool only by what uses it: on SQLite a dispatch that publishes what its requests handed in
    // needs no context at all.
    private OrdersDbContext Db => context.Value;

    /// <summary>
    /// The keys of the waiting rows after <paramref name="afterId"/> that occurred up to <paramref name="occurredBefore"/>,
    /// oldest first. Without their payloads: the dispatcher holds the events its requests handed in, and reads the
    /// whole row (<see cref="ListByIdsAsync"/>) only for the others.
    /// </summary>
    public Task<List<PendingOutboxRow>> ListPendingAsync(long afterId, DateTimeOffset occurredBefore, int maxCount, CancellationToken cancellationToken) =>
        pending.ListAsync(afterId, occurredBefore, maxCount, cancellationToken);

    /// <summary>The rows with these ids, oldest first.</summary>
    public Task<List<OutboxMessage>> ListByIdsAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var db = Db;
        return reader.ReadAsync(
            db,
            token => db.OutboxMessages.AsNoTracking()
                .Where(message => ids.Contains(message.Id))
                .OrderBy(message => message.Id)
                .ToListAsync(token),
            cancellationToken);
    }

    /// <summary>
    /// The newest <paramref name="maxCount"/> dispatched rows that know their log position, oldest first: what a log
    /// that lost its data can be rebuilt from.
    /// </summary>
    public async Task<List<OutboxMessage>> ListRetainedAsync(int maxCount, CancellationToken cancellationToken)
    {
        var newest = await Db.OutboxMessages.AsNoTracking()
            .Where(message => message.DispatchedAt != null && message.LogPosition != null)
            .OrderByDescending(message => message.Id)
            .Take(maxCount)
            .ToListAsync(cancellationToken);
        newest.Reverse();
        return newest;
    }

    private const string MarkOnPostgres = """
        UPDATE "OutboxMessages" AS message SET "DispatchedAt" = {0}, "LogPosition" = published.position
        FROM unnest({1}, {2}) AS published(event_id, position)
        WHERE message."EventId" = published.event_id AND message."DispatchedAt" IS NULL
        """;

    /// <summary>One statement for the whole batch: each row gets its own log position.</summary>
    public Task MarkPublishedAsync(IReadOnlyList<Guid> eventIds, IReadOnlyList<string> positions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        ArgumentNullException.ThrowIfNull(positions);
        if (eventIds.Count != positions.Count)
        {
            throw new ArgumentException("Every event needs its position.", nameof(positions));
        }

        if (eventIds.Count == 0)
        {
            return Task.CompletedTask;
        }

        var dispatchedAt = clock.GetUtcNow();
        if (writer.TryWriteOnOwnConnection(
                (connection, transaction) => marks.Mark(connection, transaction, dispatchedAt, eventIds, positions),
                cancellationToken) is { } marked)
        {
            return marked;
        }

        // PostgreSQL, on the request's own connection: one text for every batch with the batch in two arrays (an
        // UPDATE ... CASE grew with the batch, a new statement for PostgreSQL to parse and plan for each batch size).
        var db = Db;
        object[] arrays = [dispatchedAt.UtcTicks, eventIds as Guid[] ?? [.. eventIds], positions as string[] ?? [.. positions]];
        return writer.WriteAsync(db, token => db.Database.ExecuteSqlRawAsync(MarkOnPostgres, arrays, token), cancellationToken);
    }

    public Task RecordFailedAttemptAsync(Guid eventId, CancellationToken cancellationToken) =>
        Db.OutboxMessages
            .Where(message => message.EventId == eventId)
            .ExecuteUpdateAsync(update => update.SetProperty(message => message.Attempts, message => message.Attempts + 1), cancellationToken);

    /// <summary>Published rows are kept a while for diagnosis and to rebuild a lost log, then removed so the table stays small.</summary>
    public Task<int> DeletePublishedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        Db.OutboxMessages
            .Where(message => message.DispatchedAt != null && message.DispatchedAt < before)
            .ExecuteDeleteAsync(cancellationToken);
}

/// <summary>A waiting outbox row's key, its event's id and the trace its commit stored.</summary>
internal sealed record PendingOutboxRow(long Id, Guid EventId, string? TraceParent);
