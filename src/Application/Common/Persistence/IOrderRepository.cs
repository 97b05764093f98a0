using CleanSse.Domain.Orders;

namespace CleanSse.Application.Common.Persistence;

public interface IOrderRepository
{
    void Add(Order order);

    Task<Order?> FindAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Order>> ListNewestFirstAsync(int limit, CancellationToken cancellationToken);
}
