using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>Lists the keys of the outbox rows still waiting to be published, on the store's quickest path.</summary>
internal interface IPendingOutboxReader
{
    /// <summary>
    /// The waiting rows after <paramref name="afterId"/> that occurred up to <paramref name="occurredBefore"/>, oldest
    /// first, at most <paramref name="maxCount"/>.
    /// </summary>
    Task<List<PendingOutboxRow>> ListAsync(long afterId, DateTimeOffset occurredBefore, int maxCount, CancellationToken cancellationToken);
}

/// <summary>
/// A compiled EF Core query (PostgreSQL), on a context rented from the pool only when a run asks: its pool hands out an
/// open connection cheaply.
/// </summary>
internal sealed class CompiledQueryPendingOutboxReader(Lazy<OrdersDbContext> context) : IPendingOutboxReader
{
    // A compiled query serves one model: one for each provider's context type.
    private static readonly Func<OrdersDbContext, long, DateTimeOffset, int, IAsyncEnumerable<PendingOutboxRow>> Pending =
        Compile<OrdersDbContext>();

    private static readonly Func<PostgresOrdersDbContext, long, DateTimeOffset, int, IAsyncEnumerable<PendingOutboxRow>> PendingOnPostgres =
        Compile<PostgresOrdersDbContext>();

    public Task<List<PendingOutboxRow>> ListAsync(long afterId, DateTimeOffset occurredBefore, int maxCount, CancellationToken cancellationToken)
    {
        var db = context.Value;
        var rows = db is PostgresOrdersDbContext postgres
            ? PendingOnPostgres(postgres, afterId, occurredBefore, maxCount)
            : Pending(db, afterId, occurredBefore, maxCount);
        return rows.ToListAsync(cancellationToken).AsTask();
    }

    private static Func<TContext, long, DateTimeOffset, int, IAsyncEnumerable<PendingOutboxRow>> Compile<TContext>()
        where TContext : OrdersDbContext =>
        EF.CompileAsyncQuery((TContext context, long afterId, DateTimeOffset occurredBefore, int maxCount) =>
            context.OutboxMessages.AsNoTracking()
                .Where(message => message.DispatchedAt == null && message.Id > afterId && message.OccurredAt <= occurredBefore)
                .OrderBy(message => message.Id)
                .Take(maxCount)
                .Select(message => new PendingOutboxRow(message.Id, message.EventId, message.TraceParent)));
}
