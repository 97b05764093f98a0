using CleanSse.Domain.Common;
using CleanSse.Domain.Orders;

namespace CleanSse.Domain.UnitTests.Orders;

public sealed class OrderStatusTransitionTests
{
    public static TheoryData<OrderStatus, OrderStatus> AllowedTransitions => new()
    {
        { OrderStatus.New, OrderStatus.Paid },
        { OrderStatus.Paid, OrderStatus.Shipped },
        { OrderStatus.New, OrderStatus.Cancelled },
        { OrderStatus.Paid, OrderStatus.Cancelled },
    };

    public static TheoryData<OrderStatus, OrderStatus> RefusedTransitions => new()
    {
        // Staying in the same status is not a change.
        { OrderStatus.New, OrderStatus.New },
        { OrderStatus.Paid, OrderStatus.Paid },
        { OrderStatus.Shipped, OrderStatus.Shipped },
        { OrderStatus.Cancelled, OrderStatus.Cancelled },

        // A new order must be paid before it ships.
        { OrderStatus.New, OrderStatus.Shipped },

        // No way back.
        { OrderStatus.Paid, OrderStatus.New },
        { OrderStatus.Shipped, OrderStatus.New },
        { OrderStatus.Shipped, OrderStatus.Paid },
        { OrderStatus.Cancelled, OrderStatus.New },
        { OrderStatus.Cancelled, OrderStatus.Paid },

        // Shipped and cancelled are final.
        { OrderStatus.Shipped, OrderStatus.Cancelled },
        { OrderStatus.Cancelled, OrderStatus.Shipped },
    };

    [Theory]
    [MemberData(nameof(AllowedTransitions))]
    public void An_allowed_transition_changes_the_status(OrderStatus from, OrderStatus to)
    {
        var order = OrderIn(from);

        order.CanChangeStatusTo(to).ShouldBeTrue();
        order.ChangeStatus(to, DateTimeOffset.UnixEpoch.AddMinutes(1));

        order.Status.ShouldBe(to);
    }

    [Theory]
    [MemberData(nameof(RefusedTransitions))]
    public void A_refused_transition_throws_and_leaves_the_status_as_it_was(OrderStatus from, OrderStatus to)
    {
        var order = OrderIn(from);

        order.CanChangeStatusTo(to).ShouldBeFalse();
        var exception = Should.Throw<InvalidOrderTransitionException>(() => order.ChangeStatus(to, DateTimeOffset.UnixEpoch.AddMinutes(1)));

        exception.OrderId.ShouldBe(order.Id);
        exception.From.ShouldBe(from);
        exception.To.ShouldBe(to);
        order.Status.ShouldBe(from);
    }

    [Fact]
    public void The_two_tables_together_cover_every_pair_of_statuses_exactly_once()
    {
        // A status added to the enum must be placed in one of the tables above.
        var statuses = Enum.GetValues<OrderStatus>();
        var everyPair = statuses.SelectMany(from => statuses.Select(to => (from, to))).ToList();
        var listed = Pairs(AllowedTransitions).Concat(Pairs(RefusedTransitions)).ToList();

        listed.Count.ShouldBe(everyPair.Count);
        listed.ShouldBe(everyPair, ignoreOrder: true);
    }

    [Fact]
    public void A_new_order_starts_in_status_new()
    {
        OrderIn(OrderStatus.New).Status.ShouldBe(OrderStatus.New);
    }

    [Fact]
    public void A_refused_transition_is_a_domain_exception_naming_the_order_and_both_statuses()
    {
        var order = OrderIn(OrderStatus.Shipped);

        var exception = Should.Throw<DomainException>(() => order.ChangeStatus(OrderStatus.Cancelled, DateTimeOffset.UnixEpoch.AddMinutes(1)));

        exception.ShouldBeOfType<InvalidOrderTransitionException>();
        exception.Message.ShouldContain(order.Id);
        // Spelled as the API spells statuses: the message reaches clients as a 409's detail.
        exception.Message.ShouldContain("shipped -> cancelled", Case.Sensitive);
        exception.Message.ShouldNotContain(nameof(OrderStatus.Shipped), Case.Sensitive);
    }

    private static Order OrderIn(OrderStatus status)
    {
        var order = Order.Create("order-1", "customer-1", "Ada", [new OrderLine("A", 1, 1m)], null, DateTimeOffset.UnixEpoch);
        OrderStatus[] path = status switch
        {
            OrderStatus.New => [],
            OrderStatus.Paid => [OrderStatus.Paid],
            OrderStatus.Shipped => [OrderStatus.Paid, OrderStatus.Shipped],
            OrderStatus.Cancelled => [OrderStatus.Cancelled],
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "No path to this status."),
        };

        foreach (var next in path)
        {
            order.ChangeStatus(next, DateTimeOffset.UnixEpoch.AddMinutes(1));
        }

        order.Status.ShouldBe(status);
        return order;
    }

    private static IEnumerable<(OrderStatus From, OrderStatus To)> Pairs(TheoryData<OrderStatus, OrderStatus> data) =>
        data.Select(row => (row.Data.Item1, row.Data.Item2));
}
