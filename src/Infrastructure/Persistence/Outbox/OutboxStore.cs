using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>Reads what waits in the outbox and records what reached the event log.</summary>
public sealed class OutboxStore(OrdersDbContext db, TimeProvider clock)
{
    public Task<List<OutboxMessage>> ListPendingAsync(DateTimeOffset createdBefore, int maxCount, CancellationToken cancellationToken)
    {
        var before = createdBefore.UtcTicks;
        return db.OutboxMessages.AsNoTracking()
            .Where(message => message.DispatchedAt == null && message.CreatedAt <= new DateTimeOffset(before, TimeSpan.Zero))
            .OrderBy(message => message.Id)
            .Take(maxCount)
            .ToListAsync(cancellationToken);
    }

    public Task MarkDispatchedAsync(string key, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return db.OutboxMessages
            .Where(message => message.Key == key && message.DispatchedAt == null)
            .ExecuteUpdateAsync(update => update.SetProperty(message => message.DispatchedAt, now), cancellationToken);
    }

    public Task RecordFailedAttemptAsync(long id, CancellationToken cancellationToken) =>
        db.OutboxMessages
            .Where(message => message.Id == id)
            .ExecuteUpdateAsync(update => update.SetProperty(message => message.Attempts, message => message.Attempts + 1), cancellationToken);

    /// <summary>Dispatched messages are kept a while for diagnosis, then removed so the table stays small.</summary>
    public Task<int> DeleteDispatchedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.OutboxMessages
            .Where(message => message.DispatchedAt != null && message.DispatchedAt < before)
            .ExecuteDeleteAsync(cancellationToken);
}
