using CleanSse.Application.Common.Security;
using Mediator;

namespace CleanSse.Application.Orders.Queries.GetOrderStats;

/// <summary>Counters over every order the user may see: staff all orders, a customer their own.</summary>
[Authorize]
public sealed record GetOrderStatsQuery : IQuery<OrderStatsDto>
{
    /// <summary>How many minutes <see cref="OrderStatsDto.PerMinute"/> covers, the current one included.</summary>
    public const int PerMinuteWindow = 30;
}

/// <param name="Count">Every order, cancelled ones included.</param>
/// <param name="Revenue">The sum of the totals of the orders not cancelled.</param>
/// <param name="ByStatus">Orders per status.</param>
/// <param name="PerMinute">Orders created per minute over the last 30 minutes, oldest first; minutes without orders are left out.</param>
public sealed record OrderStatsDto(int Count, decimal Revenue, OrderCountsByStatusDto ByStatus, IReadOnlyList<OrdersPerMinuteDto> PerMinute);

public sealed record OrderCountsByStatusDto(int New, int Paid, int Shipped, int Cancelled);

/// <param name="Minute">The minute's start, UTC.</param>
/// <param name="Count">Orders created in that minute.</param>
public sealed record OrdersPerMinuteDto(DateTime Minute, int Count);
