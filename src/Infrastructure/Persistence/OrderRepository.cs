using CleanSse.Application.Common.Persistence;
using CleanSse.Domain.Orders;
using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence;

internal sealed class OrderRepository(OrdersDbContext db) : IOrderRepository
{
    public void Add(Order order) => db.Orders.Add(order);

    public Task<Order?> FindAsync(string id, CancellationToken cancellationToken) =>
        db.Orders.FirstOrDefaultAsync(order => order.Id == id, cancellationToken);

    public async Task<IReadOnlyList<Order>> ListNewestFirstAsync(int limit, string? customerId, CancellationToken cancellationToken) =>
        await db.Orders.AsNoTracking()
            .Where(order => customerId == null || order.CustomerId == customerId)
            .OrderByDescending(order => order.CreatedAt)
            .ThenByDescending(order => order.Id)
            .Take(limit)
            .ToListAsync(cancellationToken);
}
