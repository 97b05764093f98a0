using CleanSse.Domain.Orders;

namespace CleanSse.Application.Common.Persistence;

public interface IOrderRepository
{
    /// <summary>
    /// A new order, written by the unit of work's next save. Once saved it is not tracked: to change it afterwards in
    /// the same request, find it again (<see cref="FindAsync"/>).
    /// </summary>
    void Add(Order order);

    /// <summary>The order, tracked for a change to be saved by the unit of work; null when there is none.</summary>
    Task<Order?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>The order to show, not to change: nothing tracks it. Null when there is none.</summary>
    Task<Order?> ReadAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Orders newest first by id (ids grow with creation), only those whose id sorts before <paramref name="beforeId"/>:
    /// a keyset, so a walk from page to page meets every order once while new ones arrive.
    /// </summary>
    /// <param name="filter">Which orders.</param>
    /// <param name="beforeId">The last id of the previous page; from the newest when null.</param>
    /// <param name="take">How many orders at most.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<Order>> ListPageAsync(OrderListFilter filter, string? beforeId, int take, CancellationToken cancellationToken);

    /// <summary>Counts and sums computed by the store, over the orders of <paramref name="customerId"/> (every order when null).</summary>
    /// <param name="customerId">Only this customer's orders; every order when null.</param>
    /// <param name="perMinuteSince">The first minute counted per minute.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<OrderStatistics> GetStatisticsAsync(string? customerId, DateTimeOffset perMinuteSince, CancellationToken cancellationToken);
}

/// <param name="CustomerId">Only this customer's orders; every order when null.</param>
/// <param name="Status">Only orders in this status; any when null.</param>
/// <param name="ChangedSince">Only orders changed (or created) at or after this instant; any when null.</param>
public sealed record OrderListFilter(string? CustomerId, OrderStatus? Status, DateTimeOffset? ChangedSince);

/// <summary>The orders of each status (statuses without orders may be missing) and the orders created in each minute that has any.</summary>
public sealed record OrderStatistics(IReadOnlyList<OrderStatusTotal> ByStatus, IReadOnlyList<OrdersInMinute> PerMinute);

public sealed record OrderStatusTotal(OrderStatus Status, int Count, decimal Total);

/// <param name="Minute">The minute's start, UTC.</param>
/// <param name="Count">Orders created in it.</param>
public sealed record OrdersInMinute(DateTimeOffset Minute, int Count);
