using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Common.Security;
using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Commands.ChangeOrderStatus;
using CleanSse.Application.Orders.Events;
using CleanSse.Application.UnitTests.TestKit;
using CleanSse.Domain.Orders;
using Mediator;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace CleanSse.Application.UnitTests.Orders.Commands;

public sealed class ChangeOrderStatusCommandHandlerTests
{
    private const string OrderId = "0192f0a1b2c34d5e8f90123456789abc";
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    private readonly IOrderRepository _orders = Substitute.For<IOrderRepository>();
    private readonly IUnitOfWork _unitOfWork = Substitute.For<IUnitOfWork>();
    private readonly IIntegrationEvents _events = Substitute.For<IIntegrationEvents>();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly ChangeOrderStatusCommandHandler _handler;

    public ChangeOrderStatusCommandHandlerTests()
    {
        _handler = HandlerFor(FakeCurrentUser.Staff);
    }

    public static TheoryData<OrderStatus, string, string> AllowedChanges => new()
    {
        { OrderStatus.New, "paid", "new" },
        { OrderStatus.Paid, "shipped", "paid" },
        { OrderStatus.New, "cancelled", "new" },
        { OrderStatus.Paid, "cancelled", "paid" },
    };

    [Fact]
    public async Task An_unknown_id_is_not_found_and_changes_nothing()
    {
        _orders.FindAsync("missing", Arg.Any<CancellationToken>()).Returns((Order?)null);

        var exception = await Should.ThrowAsync<NotFoundException>(
            () => _handler.Handle(new ChangeOrderStatusCommand("missing", "paid"), TestContext.Current.CancellationToken).AsTask());

        exception.Message.ShouldContain("missing");
        _unitOfWork.ReceivedCalls().ShouldBeEmpty();
        _events.ReceivedCalls().ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(AllowedChanges))]
    public async Task An_allowed_change_raises_exactly_one_event_with_the_new_status_then_saves(
        OrderStatus current, string next, string previous)
    {
        var order = GivenStoredOrder(current);
        OrderStatusName(order.Status).ShouldBe(previous);

        var result = await _handler.Handle(new ChangeOrderStatusCommand(OrderId, next), TestContext.Current.CancellationToken);

        result.Order.Id.ShouldBe(OrderId);
        result.Order.Status.ShouldBe(next);
        OrderStatusName(order.Status).ShouldBe(next);

        var raised = _events.ReceivedCalls().ShouldHaveSingleItem().GetArguments()[0].ShouldBeOfType<OrderStatusChanged>();
        raised.Order.ShouldBeEquivalentTo(OrderSnapshotV1.From(order));
        raised.Order.Status.ShouldBe(next);
        raised.EventId.Version.ShouldBe(7);
        raised.OccurredAt.ShouldBe(Now);

        // Received.InOrder only records these calls on the substitutes; there is nothing to await.
#pragma warning disable CA2012
        Received.InOrder(() =>
        {
            _events.Raise(Arg.Any<OrderStatusChanged>());
            _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>());
        });
#pragma warning restore CA2012
    }

    [Theory]
    [InlineData(OrderStatus.New, "shipped")]
    [InlineData(OrderStatus.New, "new")]
    [InlineData(OrderStatus.Shipped, "cancelled")]
    [InlineData(OrderStatus.Cancelled, "paid")]
    public async Task A_refused_transition_throws_and_neither_saves_nor_publishes(OrderStatus current, string next)
    {
        var order = GivenStoredOrder(current);

        await Should.ThrowAsync<InvalidOrderTransitionException>(
            () => _handler.Handle(new ChangeOrderStatusCommand(OrderId, next), TestContext.Current.CancellationToken).AsTask());

        order.Status.ShouldBe(current);
        _unitOfWork.ReceivedCalls().ShouldBeEmpty();
        _events.ReceivedCalls().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("PAID")]
    [InlineData("refunded")]
    [InlineData("")]
    public async Task An_unknown_status_name_is_refused_before_anything_is_changed(string next)
    {
        var order = GivenStoredOrder(OrderStatus.New);

        await Should.ThrowAsync<ArgumentException>(
            () => _handler.Handle(new ChangeOrderStatusCommand(OrderId, next), TestContext.Current.CancellationToken).AsTask());

        order.Status.ShouldBe(OrderStatus.New);
        _unitOfWork.ReceivedCalls().ShouldBeEmpty();
        _events.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_failed_save_is_thrown_to_the_caller()
    {
        GivenStoredOrder(OrderStatus.New);
        _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>()).ThrowsAsync(new ConcurrencyConflictException("changed meanwhile"));

        await Should.ThrowAsync<ConcurrencyConflictException>(
            () => _handler.Handle(new ChangeOrderStatusCommand(OrderId, "paid"), TestContext.Current.CancellationToken).AsTask());
    }

    [Fact]
    public void The_handler_cannot_publish_it_has_no_mediator_port()
    {
        var dependencies = typeof(ChangeOrderStatusCommandHandler).GetConstructors().SelectMany(ctor => ctor.GetParameters()).Select(p => p.ParameterType);

        dependencies.ShouldNotContain(typeof(IPublisher));
        dependencies.ShouldNotContain(typeof(IMediator));
        dependencies.ShouldNotContain(typeof(ISender));
    }

    private Order GivenStoredOrder(OrderStatus status)
    {
        var order = SampleOrders.Create(id: OrderId, status: status);
        _orders.FindAsync(OrderId, Arg.Any<CancellationToken>()).Returns(order);
        return order;
    }

    private static string OrderStatusName(OrderStatus status) => status switch
    {
        OrderStatus.New => "new",
        OrderStatus.Paid => "paid",
        OrderStatus.Shipped => "shipped",
        OrderStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    [Fact]
    public async Task A_customer_may_cancel_their_own_new_order()
    {
        var order = SampleOrders.Create(id: OrderId, status: OrderStatus.New);
        _orders.FindAsync(OrderId, Arg.Any<CancellationToken>()).Returns(order);

        var changed = await HandlerFor(FakeCurrentUser.Customer).Handle(new ChangeOrderStatusCommand(OrderId, "cancelled"), TestContext.Current.CancellationToken);

        changed.Order.Status.ShouldBe("cancelled");
        await _unitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData(OrderStatus.New, "paid")]
    [InlineData(OrderStatus.Paid, "shipped")]
    [InlineData(OrderStatus.Paid, "cancelled")]
    public async Task Any_other_change_by_the_customer_to_their_own_order_is_forbidden_and_changes_nothing(OrderStatus current, string next)
    {
        var order = SampleOrders.Create(id: OrderId, status: current);
        _orders.FindAsync(OrderId, Arg.Any<CancellationToken>()).Returns(order);

        await Should.ThrowAsync<ForbiddenAccessException>(() =>
            HandlerFor(FakeCurrentUser.Customer).Handle(new ChangeOrderStatusCommand(OrderId, next), TestContext.Current.CancellationToken).AsTask());

        order.Status.ShouldBe(current);
        _events.DidNotReceiveWithAnyArgs().Raise<OrderStatusChanged>(default!);
        await _unitOfWork.DidNotReceive().SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData("cancelled")]
    [InlineData("paid")]
    public async Task Another_customer_s_order_is_not_found_for_any_change(string next)
    {
        var order = SampleOrders.Create(id: OrderId, status: OrderStatus.New);
        _orders.FindAsync(OrderId, Arg.Any<CancellationToken>()).Returns(order);

        await Should.ThrowAsync<NotFoundException>(() =>
            HandlerFor(FakeCurrentUser.OtherCustomer).Handle(new ChangeOrderStatusCommand(OrderId, next), TestContext.Current.CancellationToken).AsTask());

        order.Status.ShouldBe(OrderStatus.New);
        await _unitOfWork.DidNotReceive().SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    private ChangeOrderStatusCommandHandler HandlerFor(FakeCurrentUser user) =>
        new(_orders, _unitOfWork, _events, new OrderAccessPolicy(user), Mapping.Config, _clock);
}
