using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Queries.GetOrders;
using CleanSse.Application.UnitTests.TestKit;
using CleanSse.Domain.Orders;
using NSubstitute;

namespace CleanSse.Application.UnitTests.Orders.Queries;

public sealed class GetOrdersQueryHandlerTests
{
    private readonly IOrderRepository _orders = Substitute.For<IOrderRepository>();
    private readonly GetOrdersQueryHandler _handler;

    public GetOrdersQueryHandlerTests()
    {
        _handler = HandlerFor(FakeCurrentUser.Staff);
    }

    [Fact]
    public async Task It_returns_the_repository_s_orders_as_dtos_in_the_same_newest_first_order()
    {
        Order[] newestFirst =
        [
            SampleOrders.Create(id: "c", status: OrderStatus.Shipped, createdAt: SampleOrders.CreatedAt.AddMinutes(2)),
            SampleOrders.Create(id: "b", status: OrderStatus.Paid, createdAt: SampleOrders.CreatedAt.AddMinutes(1)),
            SampleOrders.Create(id: "a", createdAt: SampleOrders.CreatedAt),
        ];
        _orders.ListNewestFirstAsync(Arg.Any<int>(), Arg.Any<string?>(), Arg.Any<CancellationToken>()).Returns(newestFirst);

        var result = await _handler.Handle(new GetOrdersQuery(), TestContext.Current.CancellationToken);

        result.Orders.Select(order => order.Id).ShouldBe(["c", "b", "a"]);
        result.Orders.Select(order => order.Status).ShouldBe(["shipped", "paid", "new"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(GetOrdersQuery.DefaultLimit)]
    [InlineData(GetOrdersQuery.MaxLimit)]
    public async Task The_limit_is_passed_to_the_repository(int limit)
    {
        _orders.ListNewestFirstAsync(Arg.Any<int>(), Arg.Any<string?>(), Arg.Any<CancellationToken>()).Returns([]);

        await _handler.Handle(new GetOrdersQuery(limit), TestContext.Current.CancellationToken);

        await _orders.Received(1).ListNewestFirstAsync(limit, null, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Without_a_limit_the_default_limit_is_asked_for()
    {
        _orders.ListNewestFirstAsync(Arg.Any<int>(), Arg.Any<string?>(), Arg.Any<CancellationToken>()).Returns([]);

        await _handler.Handle(new GetOrdersQuery(), TestContext.Current.CancellationToken);

        GetOrdersQuery.DefaultLimit.ShouldBeInRange(1, GetOrdersQuery.MaxLimit);
        await _orders.Received(1).ListNewestFirstAsync(GetOrdersQuery.DefaultLimit, null, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task No_orders_give_an_empty_list()
    {
        _orders.ListNewestFirstAsync(Arg.Any<int>(), Arg.Any<string?>(), Arg.Any<CancellationToken>()).Returns([]);

        var result = await _handler.Handle(new GetOrdersQuery(), TestContext.Current.CancellationToken);

        result.Orders.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_customer_s_listing_asks_only_for_their_own_orders()
    {
        _orders.ListNewestFirstAsync(Arg.Any<int>(), Arg.Any<string?>(), Arg.Any<CancellationToken>()).Returns([]);

        await HandlerFor(FakeCurrentUser.Customer).Handle(new GetOrdersQuery(), TestContext.Current.CancellationToken);

        await _orders.Received(1).ListNewestFirstAsync(GetOrdersQuery.DefaultLimit, FakeCurrentUser.CustomerId, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Staff_list_every_order()
    {
        _orders.ListNewestFirstAsync(Arg.Any<int>(), Arg.Any<string?>(), Arg.Any<CancellationToken>()).Returns([]);

        await HandlerFor(FakeCurrentUser.Staff).Handle(new GetOrdersQuery(), TestContext.Current.CancellationToken);

        await _orders.Received(1).ListNewestFirstAsync(GetOrdersQuery.DefaultLimit, null, Arg.Any<CancellationToken>());
    }

    private GetOrdersQueryHandler HandlerFor(FakeCurrentUser user) => new(_orders, new OrderAccessPolicy(user), Mapping.Config);
}
