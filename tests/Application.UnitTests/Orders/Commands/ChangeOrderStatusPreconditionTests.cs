using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Commands.ChangeOrderStatus;
using CleanSse.Application.Orders.Events;
using CleanSse.Application.UnitTests.TestKit;
using CleanSse.Domain.Orders;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace CleanSse.Application.UnitTests.Orders.Commands;

/// <summary>The version a change expects (If-Match), and the version and time every change leaves behind.</summary>
public sealed class ChangeOrderStatusPreconditionTests
{
    private const string OrderId = "0192f0a1b2c34d5e8f90123456789abc";
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly IOrderRepository _orders = Substitute.For<IOrderRepository>();
    private readonly IUnitOfWork _unitOfWork = Substitute.For<IUnitOfWork>();
    private readonly IIntegrationEvents _events = Substitute.For<IIntegrationEvents>();
    private readonly ChangeOrderStatusCommandHandler _handler;
    private readonly Order _order = SampleOrders.Create(id: OrderId);

    public ChangeOrderStatusPreconditionTests()
    {
        _handler = new(_orders, _unitOfWork, _events, new OrderAccessPolicy(FakeCurrentUser.Staff), Mapping.Config, new FakeTimeProvider(Now));
        _orders.FindAsync(OrderId, Arg.Any<CancellationToken>()).Returns(_order);
    }

    [Fact]
    public async Task A_change_answers_the_next_version_and_stamps_updatedAt()
    {
        _order.Version.ShouldBe(1);

        var changed = await _handler.Handle(new ChangeOrderStatusCommand(OrderId, "paid"), TestContext.Current.CancellationToken);

        changed.Version.ShouldBe(2);
        changed.Order.UpdatedAt.ShouldBe(Now.UtcDateTime);
        changed.Order.CreatedAt.ShouldBe(SampleOrders.CreatedAt.UtcDateTime);
        var raised = _events.ReceivedCalls().ShouldHaveSingleItem().GetArguments()[0].ShouldBeOfType<OrderStatusChanged>();
        raised.Order.UpdatedAt.ShouldBe(Now.UtcDateTime);
    }

    [Theory]
    [InlineData(new long[] { 1 })]
    [InlineData(new long[] { 7, 1 })]
    public async Task A_change_that_names_the_current_version_applies(long[] expected)
    {
        var changed = await _handler.Handle(new ChangeOrderStatusCommand(OrderId, "paid", expected), TestContext.Current.CancellationToken);

        changed.Order.Status.ShouldBe("paid");
        await _unitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData(new long[] { 2 })]
    [InlineData(new long[] { 0 })]
    [InlineData(new long[0])]
    public async Task A_stale_version_fails_the_precondition_and_changes_nothing(long[] expected)
    {
        var exception = await Should.ThrowAsync<PreconditionFailedException>(
            () => _handler.Handle(new ChangeOrderStatusCommand(OrderId, "paid", expected), TestContext.Current.CancellationToken).AsTask());

        exception.Message.ShouldContain(OrderId);
        _order.Status.ShouldBe(OrderStatus.New);
        _order.Version.ShouldBe(1);
        _events.ReceivedCalls().ShouldBeEmpty();
        await _unitOfWork.DidNotReceive().SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_racing_change_committed_first_fails_the_precondition_when_one_was_given()
    {
        _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>()).ThrowsAsync(new ConcurrencyConflictException("raced"));

        await Should.ThrowAsync<PreconditionFailedException>(
            () => _handler.Handle(new ChangeOrderStatusCommand(OrderId, "paid", [1]), TestContext.Current.CancellationToken).AsTask());
    }

    [Fact]
    public async Task A_racing_change_committed_first_stays_a_conflict_without_a_precondition()
    {
        _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>()).ThrowsAsync(new ConcurrencyConflictException("raced"));

        await Should.ThrowAsync<ConcurrencyConflictException>(
            () => _handler.Handle(new ChangeOrderStatusCommand(OrderId, "paid"), TestContext.Current.CancellationToken).AsTask());
    }

    [Fact]
    public async Task An_order_the_user_may_not_see_is_not_found_before_any_precondition()
    {
        var handler = new ChangeOrderStatusCommandHandler(
            _orders, _unitOfWork, _events, new OrderAccessPolicy(FakeCurrentUser.OtherCustomer), Mapping.Config, new FakeTimeProvider(Now));

        await Should.ThrowAsync<NotFoundException>(
            () => handler.Handle(new ChangeOrderStatusCommand(OrderId, "cancelled", [99]), TestContext.Current.CancellationToken).AsTask());
    }
}
