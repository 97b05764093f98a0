using CleanSse.Application.Common.Persistence;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Persistence.Reading;
using CleanSse.Infrastructure.Persistence.Writing;
using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence;

/// <remarks>
/// The context is taken from the request's services only when a method needs it: reading one order to show goes
/// through <see cref="IOrderReader"/>, which on SQLite needs none, and a pooled context rented and reset for nothing
/// cost a GET a few percent of its CPU.
/// </remarks>
internal sealed class OrderRepository(Lazy<OrdersDbContext> context, NewRows newRows, IDatabaseReader reader, IOrderReader orderReader) : IOrderRepository
{
    // Compiled once per provider (a compiled query belongs to one model, and each provider's context has its own): a
    // request skips building the query's expression, its cache key and its parameters.
    private static readonly Func<OrdersDbContext, string, CancellationToken, Task<Order?>> ById =
        EF.CompileAsyncQuery((OrdersDbContext context, string id, CancellationToken cancellationToken) =>
            context.Orders.FirstOrDefault(order => order.Id == id));

    private static readonly Func<PostgresOrdersDbContext, string, CancellationToken, Task<Order?>> ByIdOnPostgres =
        EF.CompileAsyncQuery((PostgresOrdersDbContext context, string id, CancellationToken cancellationToken) =>
            context.Orders.FirstOrDefault(order => order.Id == id));

    public void Add(Order order) => newRows.Add(order);

    private OrdersDbContext Db => context.Value;

    public Task<Order?> FindAsync(string id, CancellationToken cancellationToken) =>
        Db is PostgresOrdersDbContext postgres ? ByIdOnPostgres(postgres, id, cancellationToken) : ById(Db, id, cancellationToken);

    public Task<Order?> ReadAsync(string id, CancellationToken cancellationToken) => orderReader.ReadAsync(id, cancellationToken);

    public async Task<IReadOnlyList<Order>> ListPageAsync(OrderListFilter filter, string? beforeId, int take, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var orders = Db.Orders.AsNoTracking();
        if (filter.CustomerId is { } customerId)
        {
            orders = orders.Where(order => order.CustomerId == customerId);
        }

        if (filter.Status is { } status)
        {
            orders = orders.Where(order => order.Status == status);
        }

        if (filter.ChangedSince is { } changedSince)
        {
            orders = orders.Where(order => order.UpdatedAt >= changedSince);
        }

        if (beforeId is not null)
        {
            // Ordinal on both providers: SQLite compares bytes, and PostgreSQL's collation orders lower-case hex
            // digits as ASCII does.
            orders = orders.Where(order => string.Compare(order.Id, beforeId) < 0);
        }

        var page = orders.OrderByDescending(order => order.Id).Take(take);
        return await reader.ReadAsync<IReadOnlyList<Order>>(Db, async token => await page.ToListAsync(token), cancellationToken);
    }

    public async Task<OrderStatistics> GetStatisticsAsync(string? customerId, DateTimeOffset perMinuteSince, CancellationToken cancellationToken)
    {
        var orders = Db.Orders.AsNoTracking();
        if (customerId is not null)
        {
            orders = orders.Where(order => order.CustomerId == customerId);
        }

        var byStatus = await orders
            .GroupBy(order => order.Status)
            .Select(group => new OrderStatusTotal(group.Key, group.Count(), group.Sum(order => order.Total)))
            .ToListAsync(cancellationToken);

        // Grouped by the stored ticks (600,000,000 to the minute), which LINQ cannot reach through the column's
        // conversion: the same SQL on both providers, integer division included.
        var since = perMinuteSince.UtcTicks;
        var perMinute = customerId is null
            ? Db.Database.SqlQuery<MinuteRow>(
                $"""SELECT "CreatedAt" / 600000000 AS "Minute", COUNT(*) AS "Count" FROM "Orders" WHERE "CreatedAt" >= {since} GROUP BY "CreatedAt" / 600000000""")
            : Db.Database.SqlQuery<MinuteRow>(
                $"""SELECT "CreatedAt" / 600000000 AS "Minute", COUNT(*) AS "Count" FROM "Orders" WHERE "CustomerId" = {customerId} AND "CreatedAt" >= {since} GROUP BY "CreatedAt" / 600000000""");
        var minutes = await perMinute.ToListAsync(cancellationToken);

        return new OrderStatistics(
            byStatus,
            [.. minutes.Select(row => new OrdersInMinute(new DateTimeOffset(row.Minute * TimeSpan.TicksPerMinute, TimeSpan.Zero), (int)row.Count))]);
    }

    private sealed class MinuteRow
    {
        public long Minute { get; init; }

        public long Count { get; init; }
    }
}
