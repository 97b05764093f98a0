using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Queries.GetOrderStats;
using CleanSse.Application.UnitTests.TestKit;
using CleanSse.Domain.Orders;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace CleanSse.Application.UnitTests.Orders.Queries;

public sealed class GetOrderStatsQueryHandlerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 7, 31, 42, TimeSpan.Zero);

    private readonly IOrderRepository _orders = Substitute.For<IOrderRepository>();

    public GetOrderStatsQueryHandlerTests()
    {
        _orders.GetStatisticsAsync(Arg.Any<string?>(), Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>()).Returns(new OrderStatistics([], []));
    }

    [Fact]
    public async Task Counts_revenue_without_cancelled_orders_every_status_and_the_minutes_that_have_orders()
    {
        _orders.GetStatisticsAsync(Arg.Any<string?>(), Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>()).Returns(new OrderStatistics(
            [new(OrderStatus.New, 3, 30.5m), new(OrderStatus.Paid, 2, 20m), new(OrderStatus.Cancelled, 4, 1000m)],
            [new(Minute(7, 31), 2), new(Minute(7, 5), 1)]));

        var stats = await HandlerFor(FakeCurrentUser.Staff).Handle(new GetOrderStatsQuery(), TestContext.Current.CancellationToken);

        stats.Count.ShouldBe(9);
        stats.Revenue.ShouldBe(50.5m);
        stats.ByStatus.ShouldBe(new OrderCountsByStatusDto(3, 2, 0, 4));
        stats.PerMinute.ShouldBe([new(Minute(7, 5).UtcDateTime, 1), new(Minute(7, 31).UtcDateTime, 2)]);
    }

    [Fact]
    public async Task The_last_30_minutes_are_asked_for_the_current_one_included()
    {
        await HandlerFor(FakeCurrentUser.Staff).Handle(new GetOrderStatsQuery(), TestContext.Current.CancellationToken);

        await _orders.Received(1).GetStatisticsAsync(null, Minute(7, 2), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_customer_s_stats_cover_only_their_own_orders()
    {
        await HandlerFor(FakeCurrentUser.Customer).Handle(new GetOrderStatsQuery(), TestContext.Current.CancellationToken);

        await _orders.Received(1).GetStatisticsAsync(FakeCurrentUser.CustomerId, Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task No_orders_give_zeros()
    {
        var stats = await HandlerFor(FakeCurrentUser.Staff).Handle(new GetOrderStatsQuery(), TestContext.Current.CancellationToken);

        stats.Count.ShouldBe(0);
        stats.Revenue.ShouldBe(0m);
        stats.ByStatus.ShouldBe(new OrderCountsByStatusDto(0, 0, 0, 0));
        stats.PerMinute.ShouldBeEmpty();
    }

    private static DateTimeOffset Minute(int hour, int minute) => new(2026, 12, 2, hour, minute, 0, TimeSpan.Zero);

    private GetOrderStatsQueryHandler HandlerFor(FakeCurrentUser user) =>
        new(_orders, new OrderAccessPolicy(user), new FakeTimeProvider(Now));
}
