using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Idempotency;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Commands.CreateOrder;
using CleanSse.Application.Orders.Events;
using CleanSse.Application.UnitTests.TestKit;
using CleanSse.Domain.Orders;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace CleanSse.Application.UnitTests.Orders.Commands;

public sealed class CreateOrderIdempotencyTests
{
    private const string Key = "order-2026-12-02-0001";
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly IOrderRepository _orders = Substitute.For<IOrderRepository>();
    private readonly IUnitOfWork _unitOfWork = Substitute.For<IUnitOfWork>();
    private readonly IIntegrationEvents _events = Substitute.For<IIntegrationEvents>();
    private readonly IIdempotencyStore _idempotency = Substitute.For<IIdempotencyStore>();
    private readonly CreateOrderCommandHandler _handler;

    public CreateOrderIdempotencyTests()
    {
        _handler = new(_orders, _unitOfWork, _events, _idempotency, FakeCurrentUser.Customer, Mapping.Config, new FakeTimeProvider(Now));
    }

    private static CreateOrderCommand Command(decimal price = 12.5m, string note = "ring twice") =>
        new("Ada", [new CreateOrderItem("BOOK-1", 2, price)], note);

    private static OrderDto Earlier { get; } = new(
        "019ade0f4c2a7b3e9d1c0b5a69788776", FakeCurrentUser.CustomerId, "Ada", [new OrderItemDto("BOOK-1", 2, 12.5m)], "ring twice", 25m, "new",
        Now.AddMinutes(-3).UtcDateTime, Now.AddMinutes(-3).UtcDateTime);

    [Fact]
    public async Task Without_a_key_nothing_is_looked_up_or_stored()
    {
        await _handler.Handle(Command(), TestContext.Current.CancellationToken);

        _idempotency.ReceivedCalls().ShouldBeEmpty();
        await _unitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_new_key_stores_the_response_with_the_order_for_24_hours()
    {
        IdempotentRequest? stored = null;
        OrderDto? response = null;
        _idempotency.When(store => store.Add(Arg.Any<IdempotentRequest>(), Arg.Any<OrderDto>()))
            .Do(call => (stored, response) = ((IdempotentRequest)call[0], (OrderDto)call[1]));

        var created = await _handler.Handle(Command().WithIdempotencyKey(Key), TestContext.Current.CancellationToken);

        stored.ShouldNotBeNull();
        stored.UserId.ShouldBe(FakeCurrentUser.CustomerId);
        stored.Key.ShouldBe(Key);
        stored.CreatedAt.ShouldBe(Now);
        (stored.ExpiresAt - stored.CreatedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromHours(24));
        response.ShouldBe(created);
        _orders.Received(1).Add(Arg.Any<Order>());
        await _unitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_repeat_answers_the_stored_response_and_creates_nothing()
    {
        _idempotency.FindAsync<OrderDto>(FakeCurrentUser.CustomerId, Key, Arg.Any<string>(), Arg.Any<CancellationToken>())
            .Returns(new StoredResponse<OrderDto>(true, Earlier));

        var answered = await _handler.Handle(Command().WithIdempotencyKey(Key), TestContext.Current.CancellationToken);

        answered.ShouldBe(Earlier);
        _orders.ReceivedCalls().ShouldBeEmpty();
        _events.ReceivedCalls().ShouldBeEmpty();
        await _unitOfWork.DidNotReceive().SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_same_key_for_another_body_is_refused_and_creates_nothing()
    {
        _idempotency.FindAsync<OrderDto>(FakeCurrentUser.CustomerId, Key, Arg.Any<string>(), Arg.Any<CancellationToken>())
            .Returns(new StoredResponse<OrderDto>(false, Earlier));

        await Should.ThrowAsync<IdempotencyKeyReusedException>(
            () => _handler.Handle(Command().WithIdempotencyKey(Key), TestContext.Current.CancellationToken).AsTask());

        _orders.ReceivedCalls().ShouldBeEmpty();
        await _unitOfWork.DidNotReceive().SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_loser_of_a_race_answers_the_winner_s_stored_response()
    {
        _idempotency.FindAsync<OrderDto>(FakeCurrentUser.CustomerId, Key, Arg.Any<string>(), Arg.Any<CancellationToken>())
            .Returns(null, new StoredResponse<OrderDto>(true, Earlier));
        _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>()).ThrowsAsync(new IdempotencyKeyTakenException());

        var answered = await _handler.Handle(Command().WithIdempotencyKey(Key), TestContext.Current.CancellationToken);

        answered.ShouldBe(Earlier);
    }

    [Fact]
    public async Task The_loser_of_a_race_with_another_body_is_refused()
    {
        _idempotency.FindAsync<OrderDto>(FakeCurrentUser.CustomerId, Key, Arg.Any<string>(), Arg.Any<CancellationToken>())
            .Returns(null, new StoredResponse<OrderDto>(false, Earlier));
        _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>()).ThrowsAsync(new IdempotencyKeyTakenException());

        await Should.ThrowAsync<IdempotencyKeyReusedException>(
            () => _handler.Handle(Command().WithIdempotencyKey(Key), TestContext.Current.CancellationToken).AsTask());
    }

    [Fact]
    public async Task The_canonical_request_ignores_trailing_zeros_and_tells_other_bodies_apart()
    {
        var requests = new List<string>();
        _idempotency.FindAsync<OrderDto>(Arg.Any<string>(), Arg.Any<string>(), Arg.Do<string>(requests.Add), Arg.Any<CancellationToken>())
            .Returns((StoredResponse<OrderDto>?)null);

        await _handler.Handle(Command(12.5m).WithIdempotencyKey(Key), TestContext.Current.CancellationToken);
        await _handler.Handle(Command(12.50m).WithIdempotencyKey(Key), TestContext.Current.CancellationToken);
        await _handler.Handle(Command(12.51m).WithIdempotencyKey(Key), TestContext.Current.CancellationToken);
        await _handler.Handle(Command(note: "ring thrice").WithIdempotencyKey(Key), TestContext.Current.CancellationToken);
        await _handler.Handle(new CreateOrderCommand("Ada", [new CreateOrderItem("BOOK-1", 2, 12.5m)], null).WithIdempotencyKey(Key), TestContext.Current.CancellationToken);
        await _handler.Handle(new CreateOrderCommand("Ada", [new CreateOrderItem("BOOK-1", 2, 12.5m)], string.Empty).WithIdempotencyKey(Key), TestContext.Current.CancellationToken);

        requests.Count.ShouldBe(6);
        requests[1].ShouldBe(requests[0]);
        requests.Distinct(StringComparer.Ordinal).Count().ShouldBe(5);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("Order 42 / retry #1 ~", true)]
    [InlineData("", false)]
    [InlineData("tab\tinside", false)]
    [InlineData("caf\u00e9", false)]
    [InlineData("line\nbreak", false)]
    public void A_key_is_1_to_100_printable_ascii_characters(string key, bool valid)
    {
        IdempotencyKeys.IsValid(key).ShouldBe(valid);
        IdempotencyKeys.IsValid(new string('k', 100)).ShouldBeTrue();
        IdempotencyKeys.IsValid(new string('k', 101)).ShouldBeFalse();
    }

    [Fact]
    public void The_validator_refuses_a_bad_key_under_the_header_s_name()
    {
        var result = new CreateOrderCommandValidator().Validate(Command().WithIdempotencyKey(new string('k', 101)));

        result.Errors.ShouldHaveSingleItem().PropertyName.ShouldBe("idempotency-key");
        new CreateOrderCommandValidator().Validate(Command().WithIdempotencyKey(Key)).IsValid.ShouldBeTrue();
        new CreateOrderCommandValidator().Validate(Command()).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void The_key_is_no_public_member_so_a_json_body_cannot_set_it()
    {
        typeof(CreateOrderCommand).GetProperties().Select(property => property.Name).ShouldBe(["Customer", "Items", "Note"], ignoreOrder: true);
    }
}
