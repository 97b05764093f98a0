using CleanSse.Application.Common.Persistence;
using CleanSse.Domain.Orders;
using Mediator;

namespace CleanSse.Application.Orders.Queries.GetOrderStats;

public sealed class GetOrderStatsQueryHandler(IOrderRepository orders, OrderAccessPolicy access, TimeProvider clock)
    : IQueryHandler<GetOrderStatsQuery, OrderStatsDto>
{
    public async ValueTask<OrderStatsDto> Handle(GetOrderStatsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        var now = clock.GetUtcNow();
        var currentMinute = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var since = currentMinute.AddMinutes(1 - GetOrderStatsQuery.PerMinuteWindow);

        var statistics = await orders.GetStatisticsAsync(access.VisibleOwner, since, cancellationToken);

        int CountOf(OrderStatus status) => statistics.ByStatus.Where(total => total.Status == status).Sum(total => total.Count);

        return new OrderStatsDto(
            statistics.ByStatus.Sum(total => total.Count),
            statistics.ByStatus.Where(total => total.Status != OrderStatus.Cancelled).Sum(total => total.Total),
            new OrderCountsByStatusDto(
                CountOf(OrderStatus.New),
                CountOf(OrderStatus.Paid),
                CountOf(OrderStatus.Shipped),
                CountOf(OrderStatus.Cancelled)),
            [.. statistics.PerMinute
                .Where(minute => minute.Minute >= since && minute.Count > 0)
                .OrderBy(minute => minute.Minute)
                .Select(minute => new OrdersPerMinuteDto(minute.Minute.UtcDateTime, minute.Count))]);
    }
}
