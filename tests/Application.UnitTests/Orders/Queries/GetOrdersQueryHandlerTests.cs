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
        _orders.ListPageAsync(Arg.Any<OrderListFilter>(), Arg.Any<string?>(), Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns([]);
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
        _orders.ListPageAsync(Arg.Any<OrderListFilter>(), Arg.Any<string?>(), Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns(newestFirst);

        var result = await _handler.Handle(new GetOrdersQuery(), TestContext.Current.CancellationToken);

        result.Orders.Select(order => order.Id).ShouldBe(["c", "b", "a"]);
        result.Orders.Select(order => order.Status).ShouldBe(["shipped", "paid", "new"]);
        result.Next.ShouldBeNull();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(GetOrdersQuery.DefaultLimit)]
    [InlineData(GetOrdersQuery.MaxLimit)]
    public async Task One_more_than_the_limit_is_asked_for_to_tell_whether_a_next_page_exists(int limit)
    {
        await _handler.Handle(new GetOrdersQuery(limit), TestContext.Current.CancellationToken);

        await _orders.Received(1).ListPageAsync(Arg.Any<OrderListFilter>(), null, limit + 1, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_default_limit_is_50()
    {
        GetOrdersQuery.DefaultLimit.ShouldBe(50);
        GetOrdersQuery.MaxLimit.ShouldBe(200);

        await _handler.Handle(new GetOrdersQuery(), TestContext.Current.CancellationToken);

        await _orders.Received(1).ListPageAsync(Arg.Any<OrderListFilter>(), null, 51, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_full_page_answers_the_limit_and_a_cursor_of_its_last_order()
    {
        _orders.ListPageAsync(Arg.Any<OrderListFilter>(), Arg.Any<string?>(), Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns(
            [SampleOrders.Create(id: "0c"), SampleOrders.Create(id: "0b"), SampleOrders.Create(id: "0a")]);

        var result = await _handler.Handle(new GetOrdersQuery(2), TestContext.Current.CancellationToken);

        result.Orders.Select(order => order.Id).ShouldBe(["0c", "0b"]);
        result.Next.ShouldBe(OrderCursor.Encode("0b"));
    }

    [Fact]
    public async Task The_next_page_starts_after_the_cursor_s_order()
    {
        await _handler.Handle(new GetOrdersQuery(10, After: OrderCursor.Encode("0b")), TestContext.Current.CancellationToken);

        await _orders.Received(1).ListPageAsync(Arg.Any<OrderListFilter>(), "0b", 11, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Status_and_changedSince_reach_the_repository_as_a_filter()
    {
        var since = new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.FromHours(2));

        await _handler.Handle(new GetOrdersQuery(Status: "paid", ChangedSince: since), TestContext.Current.CancellationToken);

        await _orders.Received(1).ListPageAsync(
            new OrderListFilter(null, OrderStatus.Paid, new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero)),
            null,
            GetOrdersQuery.DefaultLimit + 1,
            Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task An_unknown_status_or_cursor_is_refused_even_without_the_validator()
    {
        await Should.ThrowAsync<ArgumentException>(() => _handler.Handle(new GetOrdersQuery(Status: "PAID"), TestContext.Current.CancellationToken).AsTask());
        await Should.ThrowAsync<ArgumentException>(() => _handler.Handle(new GetOrdersQuery(After: "!!"), TestContext.Current.CancellationToken).AsTask());
    }

    [Fact]
    public async Task No_orders_give_an_empty_last_page()
    {
        var result = await _handler.Handle(new GetOrdersQuery(), TestContext.Current.CancellationToken);

        result.Orders.ShouldBeEmpty();
        result.Next.ShouldBeNull();
    }

    [Fact]
    public async Task A_customer_s_listing_asks_only_for_their_own_orders()
    {
        await HandlerFor(FakeCurrentUser.Customer).Handle(new GetOrdersQuery(), TestContext.Current.CancellationToken);

        await _orders.Received(1).ListPageAsync(
            new OrderListFilter(FakeCurrentUser.CustomerId, null, null), null, GetOrdersQuery.DefaultLimit + 1, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Staff_list_every_order()
    {
        await HandlerFor(FakeCurrentUser.Staff).Handle(new GetOrdersQuery(), TestContext.Current.CancellationToken);

        await _orders.Received(1).ListPageAsync(
            new OrderListFilter(null, null, null), null, GetOrdersQuery.DefaultLimit + 1, Arg.Any<CancellationToken>());
    }

    private GetOrdersQueryHandler HandlerFor(FakeCurrentUser user) => new(_orders, new OrderAccessPolicy(user), Mapping.Config);
}
