using System.Globalization;
using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Messaging;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Commands.CreateOrder;
using CleanSse.Application.Orders.Notifications;
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
    private readonly IEventOutbox _outbox = Substitute.For<IEventOutbox>();
    private readonly IPublisher _publisher = Substitute.For<IPublisher>();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly CreateOrderCommandHandler _handler;

    public CreateOrderCommandHandlerTests()
    {
        _handler = new CreateOrderCommandHandler(_orders, _unitOfWork, _outbox, _publisher, Mapping.Config, _clock);
    }

    private static CreateOrderCommand Command => new(
        "Ada",
        [new CreateOrderItem("BOOK-1", 2, 12.5m), new CreateOrderItem("PEN-7", 3, 0.335m)],
        "ring twice");

    [Fact]
    public async Task It_adds_the_order_saves_and_only_then_publishes_OrderCreated()
    {
        await _handler.Handle(Command, TestContext.Current.CancellationToken);

        // Received.InOrder only records these calls on the substitutes; there is nothing to await.
#pragma warning disable CA2012
        Received.InOrder(() =>
        {
            _orders.Add(Arg.Any<Order>());
            _outbox.Stage(Arg.Any<OrderCreated>());
            _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>());
            _publisher.Publish(Arg.Any<OrderCreated>(), Arg.Any<CancellationToken>());
        });
#pragma warning restore CA2012
    }

    [Fact]
    public async Task It_publishes_exactly_one_notification_carrying_the_saved_order_s_dto()
    {
        Order? added = null;
        _orders.Add(Arg.Do<Order>(order => added = order));

        var result = await _handler.Handle(Command, TestContext.Current.CancellationToken);

        added.ShouldNotBeNull();
        var published = PublishedNotifications().ShouldHaveSingleItem().ShouldBeOfType<OrderCreated>();
        published.Order.ShouldBeEquivalentTo(result);
        published.Order.Id.ShouldBe(added.Id);
        published.Order.Customer.ShouldBe(added.Customer);
        published.Order.Total.ShouldBe(added.Total);
        published.Order.Status.ShouldBe("new");
    }

    [Fact]
    public async Task The_notification_stored_with_the_order_is_the_one_published()
    {
        INotification? staged = null;
        _outbox.Stage(Arg.Do<INotification>(notification => staged = notification));

        await _handler.Handle(Command, TestContext.Current.CancellationToken);

        staged.ShouldBeOfType<OrderCreated>();
        PublishedNotifications().ShouldHaveSingleItem().ShouldBeSameAs(staged);
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
    public async Task The_notification_goes_out_even_when_the_caller_has_gone_away_after_the_commit()
    {
        using var request = new CancellationTokenSource();
        _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>()).Returns(_ =>
        {
            // The client disconnects while the order is being committed.
            request.Cancel();
            return Task.CompletedTask;
        });

        await _handler.Handle(Command, request.Token);

        await _publisher.Received(1).Publish(Arg.Any<OrderCreated>(), Arg.Is<CancellationToken>(token => !token.IsCancellationRequested));
    }

    [Fact]
    public async Task Nothing_is_published_when_saving_fails()
    {
        _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>()).ThrowsAsync(new ConcurrencyConflictException("taken"));

        await Should.ThrowAsync<ConcurrencyConflictException>(
            () => _handler.Handle(Command, TestContext.Current.CancellationToken).AsTask());

        _publisher.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task An_order_the_domain_refuses_is_neither_added_saved_nor_published()
    {
        var command = Command with { Customer = " " };

        await Should.ThrowAsync<DomainException>(
            () => _handler.Handle(command, TestContext.Current.CancellationToken).AsTask());

        _orders.ReceivedCalls().ShouldBeEmpty();
        _unitOfWork.ReceivedCalls().ShouldBeEmpty();
        _publisher.ReceivedCalls().ShouldBeEmpty();
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

    private IEnumerable<object?> PublishedNotifications() =>
        _publisher.ReceivedCalls().Select(call => call.GetArguments()[0]);
}
