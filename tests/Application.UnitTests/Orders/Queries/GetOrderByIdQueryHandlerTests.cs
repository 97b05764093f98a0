using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Queries.GetOrderById;
using CleanSse.Application.UnitTests.TestKit;
using CleanSse.Domain.Orders;
using NSubstitute;

namespace CleanSse.Application.UnitTests.Orders.Queries;

public sealed class GetOrderByIdQueryHandlerTests
{
    private readonly IOrderRepository _orders = Substitute.For<IOrderRepository>();
    private readonly GetOrderByIdQueryHandler _handler;

    public GetOrderByIdQueryHandlerTests()
    {
        _handler = HandlerFor(FakeCurrentUser.Staff);
    }

    [Fact]
    public async Task A_stored_order_is_returned_as_its_dto()
    {
        var order = SampleOrders.Create(id: "o-7", customer: "Grace", status: OrderStatus.Paid);
        _orders.ReadAsync("o-7", Arg.Any<CancellationToken>()).Returns(order);

        var result = await _handler.Handle(new GetOrderByIdQuery("o-7"), TestContext.Current.CancellationToken);

        result.Order.Id.ShouldBe("o-7");
        result.Order.Customer.ShouldBe("Grace");
        result.Order.Status.ShouldBe("paid");
        result.Order.Total.ShouldBe(order.Total);
        result.Order.Items.Count.ShouldBe(order.Lines.Count);
        result.Order.UpdatedAt.ShouldBe(order.UpdatedAt.UtcDateTime);
        result.Version.ShouldBe(order.Version);
        result.Version.ShouldBe(2, "created, then paid");
    }

    [Fact]
    public async Task An_unknown_id_is_not_found()
    {
        _orders.ReadAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns((Order?)null);

        var exception = await Should.ThrowAsync<NotFoundException>(
            () => _handler.Handle(new GetOrderByIdQuery("nope"), TestContext.Current.CancellationToken).AsTask());

        exception.Message.ShouldContain("nope");
    }

    [Fact]
    public async Task The_caller_s_cancellation_token_reaches_the_repository()
    {
        using var request = new CancellationTokenSource();
        _orders.ReadAsync("o-7", request.Token).Returns(SampleOrders.Create(id: "o-7"));

        var result = await _handler.Handle(new GetOrderByIdQuery("o-7"), request.Token);

        result.Order.Id.ShouldBe("o-7");
    }

    [Fact]
    public async Task A_customer_gets_their_own_order()
    {
        var order = SampleOrders.Create(id: "mine");
        _orders.ReadAsync("mine", Arg.Any<CancellationToken>()).Returns(order);

        var found = await HandlerFor(FakeCurrentUser.Customer).Handle(new GetOrderByIdQuery("mine"), TestContext.Current.CancellationToken);

        found.Order.Id.ShouldBe("mine");
    }

    [Fact]
    public async Task Another_customer_s_order_is_not_found_as_if_it_did_not_exist()
    {
        var order = SampleOrders.Create(id: "theirs");
        _orders.ReadAsync("theirs", Arg.Any<CancellationToken>()).Returns(order);

        var refused = await Should.ThrowAsync<NotFoundException>(() =>
            HandlerFor(FakeCurrentUser.OtherCustomer).Handle(new GetOrderByIdQuery("theirs"), TestContext.Current.CancellationToken).AsTask());

        refused.Message.ShouldBe(NotFoundException.For("Order", "theirs").Message);
    }

    private GetOrderByIdQueryHandler HandlerFor(FakeCurrentUser user) => new(_orders, new OrderAccessPolicy(user), Mapping.Config);
}
