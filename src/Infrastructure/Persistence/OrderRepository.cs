using CleanSse.Application.Common.Persistence;
using CleanSse.Domain.Orders;
using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence;

internal sealed class OrderRepository(OrdersDbContext db) : IOrderRepository
{
    // Compiled once: a request skips building the query's expression, its cache key and its parameters.
    private static readonly Func<OrdersDbContext, string, CancellationToken, Task<Order?>> ById =
        EF.CompileAsyncQuery((OrdersDbContext context, string id, CancellationToken cancellationToken) =>
            context.Orders.FirstOrDefault(order => order.Id == id));

    public void Add(Order order) => db.Orders.Add(order);

    public Task<Order?> FindAsync(string id, CancellationToken cancellationToken) => ById(db, id, cancellationToken);

    public async Task<IReadOnlyList<Order>> ListNewestFirstAsync(int limit, string? customerId, CancellationToken cancellationToken) =>
        await db.Orders.AsNoTracking()
            .Where(order => customerId == null || order.CustomerId == customerId)
            .OrderByDescending(order => order.CreatedAt)
            .ThenByDescending(order => order.Id)
            .Take(limit)
            .ToListAsync(cancellationToken);
}
