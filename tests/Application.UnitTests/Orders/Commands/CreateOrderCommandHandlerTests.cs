using System.Globalization;
using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Commands.CreateOrder;
using CleanSse.Application.Orders.Events;
using CleanSse.Application.UnitTests.TestKit;
using CleanSse.Domain.Common;
using CleanSse.Domain.Orders;
using Mediator;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace CleanSse.Application.UnitTests.Orders.Commands;

public sealed class CreateOrderCommandHandlerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 30, 15, 250, TimeSpan.Zero);

    private readonly IOrderRepository _orders = Substitute.For<IOrderRepository>();
    private readonly IUnitOfWork _unitOfWork = Substitute.For<IUnitOfWork>();
    private readonly IIntegrationEvents _events = Substitute.For<IIntegrationEvents>();
    private readonly IIdempotencyStore _idempotency = Substitute.For<IIdempotencyStore>();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly CreateOrderCommandHandler _handler;

    public CreateOrderCommandHandlerTests()
    {
        _handler = HandlerFor(FakeCurrentUser.Customer);
    }

    private static CreateOrderCommand Command => new(
        "Ada",
        [new CreateOrderItem("BOOK-1", 2, 12.5m), new CreateOrderItem("PEN-7", 3, 0.335m)],
        "ring twice");

    [Fact]
    public async Task It_adds_the_order_raises_OrderCreated_and_only_then_saves()
    {
        await _handler.Handle(Command, TestContext.Current.CancellationToken);

        // Received.InOrder only records these calls on the substitutes; there is nothing to await.
#pragma warning disable CA2012
        Received.InOrder(() =>
        {
            _orders.Add(Arg.Any<Order>());
            _events.Raise(Arg.Any<OrderCreated>());
            _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>());
        });
#pragma warning restore CA2012
    }

    [Fact]
    public async Task It_raises_exactly_one_event_carrying_a_snapshot_of_the_saved_order()
    {
        Order? added = null;
        _orders.Add(Arg.Do<Order>(order => added = order));

        var result = await _handler.Handle(Command, TestContext.Current.CancellationToken);

        added.ShouldNotBeNull();
        var raised = RaisedEvents().ShouldHaveSingleItem().ShouldBeOfType<OrderCreated>();
        raised.Order.ShouldBeEquivalentTo(OrderSnapshotV1.From(added));
        raised.Order.Id.ShouldBe(result.Id);
        raised.Order.Customer.ShouldBe(result.Customer);
        raised.Order.Total.ShouldBe(result.Total);
        raised.Order.Status.ShouldBe("new");
        raised.Order.CreatedAt.ShouldBe(result.CreatedAt);
        raised.Order.Items.Select(item => (item.Sku, item.Quantity, item.UnitPrice))
            .ShouldBe(result.Items.Select(item => (item.Sku, item.Quantity, item.UnitPrice)));
    }

    [Fact]
    public async Task The_event_has_its_own_time_ordered_id_and_the_time_it_occurred()
    {
        await _handler.Handle(Command, TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        await _handler.Handle(Command, TestContext.Current.CancellationToken);

        var raised = RaisedEvents().Cast<OrderCreated>().ToList();
        raised.Count.ShouldBe(2);
        raised[0].EventId.Version.ShouldBe(7);
        raised[0].EventId.ShouldNotBe(Guid.ParseExact(raised[0].Order.Id, "N"));
        raised[0].OccurredAt.ShouldBe(Now);
        raised[1].OccurredAt.ShouldBe(Now.AddMilliseconds(5));
        raised[0].EventId.CompareTo(raised[1].EventId).ShouldBeLessThan(0);
    }

    [Fact]
    public void The_handler_cannot_publish_it_has_no_mediator_port()
    {
        var dependencies = typeof(CreateOrderCommandHandler).GetConstructors().SelectMany(ctor => ctor.GetParameters()).Select(p => p.ParameterType);

        dependencies.ShouldNotContain(typeof(IPublisher));
        dependencies.ShouldNotContain(typeof(IMediator));
        dependencies.ShouldNotContain(typeof(ISender));
    }

    [Fact]
    public async Task The_returned_dto_describes_the_new_order()
    {
        var result = await _handler.Handle(Command, TestContext.Current.CancellationToken);

        result.Customer.ShouldBe("Ada");
        result.Note.ShouldBe("ring twice");
        result.Items.ShouldBe([new OrderItemDto("BOOK-1", 2, 12.5m), new OrderItemDto("PEN-7", 3, 0.335m)]);
        result.Total.ShouldBe(26.01m); // 25 + 1.005, rounded half away from zero
        result.Status.ShouldBe("new");
        result.CreatedAt.ShouldBe(Now.UtcDateTime);
        result.CreatedAt.Kind.ShouldBe(DateTimeKind.Utc);
    }

    [Fact]
    public async Task The_id_is_a_time_ordered_guid_taken_from_the_clock()
    {
        var first = await _handler.Handle(Command, TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        var second = await _handler.Handle(Command, TestContext.Current.CancellationToken);

        Guid.ParseExact(first.Id, "N").Version.ShouldBe(7);

        // The first 48 bits (12 hex digits) of a version 7 guid are its Unix time in milliseconds.
        first.Id[..12].ShouldBe(Now.ToUnixTimeMilliseconds().ToString("x12", CultureInfo.InvariantCulture));
        string.CompareOrdinal(first.Id, second.Id).ShouldBeLessThan(0);
    }

    [Fact]
    public async Task A_failed_save_is_thrown_to_the_caller()
    {
        _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>()).ThrowsAsync(new ConcurrencyConflictException("taken"));

        await Should.ThrowAsync<ConcurrencyConflictException>(
            () => _handler.Handle(Command, TestContext.Current.CancellationToken).AsTask());
    }

    [Fact]
    public async Task An_order_the_domain_refuses_is_neither_added_saved_nor_published()
    {
        var command = Command with { Customer = " " };

        await Should.ThrowAsync<DomainException>(
            () => _handler.Handle(command, TestContext.Current.CancellationToken).AsTask());

        _orders.ReceivedCalls().ShouldBeEmpty();
        _unitOfWork.ReceivedCalls().ShouldBeEmpty();
        _events.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task An_order_at_every_upper_bound_of_the_validator_is_created_without_overflow()
    {
        var items = Enumerable.Range(0, CreateOrderCommandValidator.MaxItems)
            .Select(i => new CreateOrderItem($"SKU-{i}", CreateOrderCommandValidator.MaxQuantity, CreateOrderCommandValidator.MaxUnitPrice))
            .ToList();

        var result = await _handler.Handle(new CreateOrderCommand("Ada", items, null), TestContext.Current.CancellationToken);

        result.Total.ShouldBe(CreateOrderCommandValidator.MaxItems * CreateOrderCommandValidator.MaxQuantity * CreateOrderCommandValidator.MaxUnitPrice);
    }

    private IEnumerable<object?> RaisedEvents() =>
        _events.ReceivedCalls().Select(call => call.GetArguments()[0]);

    [Fact]
    public async Task The_order_belongs_to_the_signed_in_user()
    {
        var created = await _handler.Handle(Command, TestContext.Current.CancellationToken);

        created.CustomerId.ShouldBe(FakeCurrentUser.CustomerId);
        _orders.Received(1).Add(Arg.Is<Order>(order => order.CustomerId == FakeCurrentUser.CustomerId));
    }

    [Fact]
    public async Task Without_a_signed_in_user_nothing_is_created()
    {
        var anonymous = HandlerFor(FakeCurrentUser.Anonymous);

        await Should.ThrowAsync<UnauthorizedAccessException>(() => anonymous.Handle(Command, TestContext.Current.CancellationToken).AsTask());

        _orders.DidNotReceiveWithAnyArgs().Add(default!);
        await _unitOfWork.DidNotReceive().SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    private CreateOrderCommandHandler HandlerFor(FakeCurrentUser user) =>
        new(_orders, _unitOfWork, _events, _idempotency, user, Mapping.Config, _clock);
}
