using CleanSse.Domain.Orders;

namespace CleanSse.Application.Common.Persistence;

public interface IOrderRepository
{
    void Add(Order order);

    Task<Order?> FindAsync(string id, CancellationToken cancellationToken);

    /// <param name="limit">How many orders at most.</param>
    /// <param name="customerId">Only this customer's orders; every order when null.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<Order>> ListNewestFirstAsync(int limit, string? customerId, CancellationToken cancellationToken);
}
