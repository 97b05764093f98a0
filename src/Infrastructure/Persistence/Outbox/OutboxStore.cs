using CleanSse.Application.Common.Events;
using CleanSse.Infrastructure.Persistence.Writing;
using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>Reads what waits in the outbox and records what was published.</summary>
internal sealed class OutboxStore(OrdersDbContext db, TimeProvider clock, IDatabaseWriter writer) : IOutbox
{
    /// <summary>Waiting rows after <paramref name="afterId"/> that occurred up to <paramref name="occurredBefore"/>, oldest first.</summary>
    public Task<List<OutboxMessage>> ListPendingAsync(long afterId, DateTimeOffset occurredBefore, int maxCount, CancellationToken cancellationToken)
    {
        var before = occurredBefore.UtcTicks;
        return db.OutboxMessages.AsNoTracking()
            .Where(message => message.DispatchedAt == null
                && message.Id > afterId
                && message.OccurredAt <= new DateTimeOffset(before, TimeSpan.Zero))
            .OrderBy(message => message.Id)
            .Take(maxCount)
            .ToListAsync(cancellationToken);
    }

    /// <summary>One statement for the whole batch, through the writer like every other write of a request.</summary>
    public Task MarkPublishedAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        var now = clock.GetUtcNow();
        return writer.WriteAsync(
            db,
            token => db.OutboxMessages
                .Where(message => eventIds.Contains(message.EventId) && message.DispatchedAt == null)
                .ExecuteUpdateAsync(update => update.SetProperty(message => message.DispatchedAt, now), token),
            cancellationToken);
    }

    public Task RecordFailedAttemptAsync(Guid eventId, CancellationToken cancellationToken) =>
        db.OutboxMessages
            .Where(message => message.EventId == eventId)
            .ExecuteUpdateAsync(update => update.SetProperty(message => message.Attempts, message => message.Attempts + 1), cancellationToken);

    /// <summary>Published rows are kept a while for diagnosis, then removed so the table stays small.</summary>
    public Task<int> DeletePublishedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.OutboxMessages
            .Where(message => message.DispatchedAt != null && message.DispatchedAt < before)
            .ExecuteDeleteAsync(cancellationToken);
}
