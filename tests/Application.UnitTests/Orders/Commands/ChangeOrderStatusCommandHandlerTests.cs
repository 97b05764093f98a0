using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Messaging;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders.Commands.ChangeOrderStatus;
using CleanSse.Application.Orders.Notifications;
using CleanSse.Application.UnitTests.TestKit;
using CleanSse.Domain.Orders;
using Mediator;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace CleanSse.Application.UnitTests.Orders.Commands;

public sealed class ChangeOrderStatusCommandHandlerTests
{
    private const string OrderId = "0192f0a1b2c34d5e8f90123456789abc";

    private readonly IOrderRepository _orders = Substitute.For<IOrderRepository>();
    private readonly IUnitOfWork _unitOfWork = Substitute.For<IUnitOfWork>();
    private readonly IEventOutbox _outbox = Substitute.For<IEventOutbox>();
    private readonly IPublisher _publisher = Substitute.For<IPublisher>();
    private readonly ChangeOrderStatusCommandHandler _handler;

    public ChangeOrderStatusCommandHandlerTests()
    {
        _handler = new ChangeOrderStatusCommandHandler(_orders, _unitOfWork, _outbox, _publisher, Mapping.Config);
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
        _publisher.ReceivedCalls().ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(AllowedChanges))]
    public async Task An_allowed_change_is_saved_then_published_once_with_the_previous_status(
        OrderStatus current, string next, string previous)
    {
        var order = GivenStoredOrder(current);

        var result = await _handler.Handle(new ChangeOrderStatusCommand(OrderId, next), TestContext.Current.CancellationToken);

        result.Id.ShouldBe(OrderId);
        result.Status.ShouldBe(next);
        OrderStatusName(order.Status).ShouldBe(next);

        var published = _publisher.ReceivedCalls().ShouldHaveSingleItem().GetArguments()[0].ShouldBeOfType<OrderStatusChanged>();
        published.PreviousStatus.ShouldBe(previous);
        published.Order.ShouldBeEquivalentTo(result);

        // Received.InOrder only records these calls on the substitutes; there is nothing to await.
#pragma warning disable CA2012
        Received.InOrder(() =>
        {
            _outbox.Stage(Arg.Any<OrderStatusChanged>());
            _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>());
            _publisher.Publish(Arg.Any<OrderStatusChanged>(), Arg.Any<CancellationToken>());
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
        _publisher.ReceivedCalls().ShouldBeEmpty();
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
        _publisher.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task Nothing_is_published_when_saving_fails()
    {
        GivenStoredOrder(OrderStatus.New);
        _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>()).ThrowsAsync(new ConcurrencyConflictException("changed meanwhile"));

        await Should.ThrowAsync<ConcurrencyConflictException>(
            () => _handler.Handle(new ChangeOrderStatusCommand(OrderId, "paid"), TestContext.Current.CancellationToken).AsTask());

        _publisher.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task The_notification_is_not_cancelled_by_the_caller_once_the_change_is_committed()
    {
        GivenStoredOrder(OrderStatus.New);
        using var request = new CancellationTokenSource();
        _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>()).Returns(_ =>
        {
            request.Cancel();
            return Task.CompletedTask;
        });

        await _handler.Handle(new ChangeOrderStatusCommand(OrderId, "paid"), request.Token);

        await _publisher.Received(1).Publish(
            Arg.Any<OrderStatusChanged>(), Arg.Is<CancellationToken>(token => !token.IsCancellationRequested));
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
}
