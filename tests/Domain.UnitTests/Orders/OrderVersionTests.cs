using CleanSse.Domain.Orders;

namespace CleanSse.Domain.UnitTests.Orders;

public sealed class OrderVersionTests
{
    private static readonly DateTimeOffset CreatedAt = new(2026, 12, 2, 7, 30, 0, TimeSpan.Zero);

    [Fact]
    public void A_new_order_is_version_1_and_updated_when_it_was_created()
    {
        var order = NewOrder();

        order.Version.ShouldBe(1);
        order.UpdatedAt.ShouldBe(CreatedAt);
    }

    [Fact]
    public void Every_change_bumps_the_version_and_records_when_it_happened()
    {
        var order = NewOrder();

        order.ChangeStatus(OrderStatus.Paid, CreatedAt.AddMinutes(5));
        order.Version.ShouldBe(2);
        order.UpdatedAt.ShouldBe(CreatedAt.AddMinutes(5));

        order.ChangeStatus(OrderStatus.Shipped, CreatedAt.AddMinutes(9));
        order.Version.ShouldBe(3);
        order.UpdatedAt.ShouldBe(CreatedAt.AddMinutes(9));
        order.CreatedAt.ShouldBe(CreatedAt);
    }

    [Fact]
    public void The_change_time_is_kept_in_utc()
    {
        var order = NewOrder();

        order.ChangeStatus(OrderStatus.Paid, new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.FromHours(2)));

        order.UpdatedAt.Offset.ShouldBe(TimeSpan.Zero);
        order.UpdatedAt.ShouldBe(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void A_clock_that_stepped_back_never_moves_the_change_time_back()
    {
        var order = NewOrder();

        order.ChangeStatus(OrderStatus.Paid, CreatedAt.AddSeconds(-3));

        order.UpdatedAt.ShouldBe(CreatedAt);
        order.Version.ShouldBe(2);
    }

    [Fact]
    public void A_refused_change_leaves_version_and_time_alone()
    {
        var order = NewOrder();

        Should.Throw<InvalidOrderTransitionException>(() => order.ChangeStatus(OrderStatus.Shipped, CreatedAt.AddMinutes(1)));

        order.Version.ShouldBe(1);
        order.UpdatedAt.ShouldBe(CreatedAt);
    }

    private static Order NewOrder() =>
        Order.Create("o1", "customer-1", "Ada", [new OrderLine("A", 1, 1m)], null, CreatedAt);
}
