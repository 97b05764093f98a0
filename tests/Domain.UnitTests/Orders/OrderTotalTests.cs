using CleanSse.Domain.Orders;

namespace CleanSse.Domain.UnitTests.Orders;

public sealed class OrderTotalTests
{
    public static TheoryData<OrderLine[], decimal> Totals => new()
    {
        // One line: quantity x unit price.
        { [new OrderLine("A", 2, 12.5m)], 25.00m },

        // Several lines are summed.
        { [new OrderLine("A", 2, 12.5m), new OrderLine("B", 1, 0.99m), new OrderLine("C", 3, 1.10m)], 29.29m },

        // Free lines count for nothing.
        { [new OrderLine("A", 5, 0m)], 0m },

        // Below a half cent rounds down, above rounds up.
        { [new OrderLine("A", 1, 1.004m)], 1.00m },
        { [new OrderLine("A", 1, 1.006m)], 1.01m },

        // Exactly half a cent rounds away from zero, also where banker's rounding would go to the even cent.
        { [new OrderLine("A", 1, 0.005m)], 0.01m },
        { [new OrderLine("A", 1, 0.025m)], 0.03m },
        { [new OrderLine("A", 3, 0.335m)], 1.01m },

        // The sum is rounded once: rounding each line first would give 0.00 here.
        { [new OrderLine("A", 1, 0.004m), new OrderLine("B", 1, 0.004m)], 0.01m },

        // Decimal keeps cents exact where binary floating point would not (0.1 + 0.2).
        { [new OrderLine("A", 1, 0.1m), new OrderLine("B", 1, 0.2m)], 0.30m },

        // Large quantities and prices stay exact.
        { [new OrderLine("A", 1000, 1_000_000_000_000m)], 1_000_000_000_000_000m },
    };

    [Theory]
    [MemberData(nameof(Totals))]
    public void Total_is_the_sum_of_quantity_times_unit_price_rounded_to_cents_half_away_from_zero(
        OrderLine[] lines, decimal expected)
    {
        var order = Order.Create("o1", "customer-1", "Ada", lines, null, DateTimeOffset.UnixEpoch);

        order.Total.ShouldBe(expected);
    }

    [Theory]
    [MemberData(nameof(Totals))]
    public void ComputeTotal_gives_the_same_total_as_a_created_order(OrderLine[] lines, decimal expected)
    {
        Order.ComputeTotal(lines).ShouldBe(expected);
    }

    [Fact]
    public void Total_has_at_most_two_decimal_places()
    {
        var order = Order.Create("o1", "customer-1", "Ada", [new OrderLine("A", 7, 0.123456m)], null, DateTimeOffset.UnixEpoch);

        order.Total.ShouldBe(0.86m);
        order.Total.Scale.ShouldBeLessThanOrEqualTo((byte)2);
    }

    [Fact]
    public void Line_subtotal_is_quantity_times_unit_price_unrounded()
    {
        var line = new OrderLine("A", 3, 0.335m);

        line.Subtotal.ShouldBe(1.005m);
    }

    [Fact]
    public void Status_changes_leave_the_total_unchanged()
    {
        var order = Order.Create("o1", "customer-1", "Ada", [new OrderLine("A", 2, 12.5m)], null, DateTimeOffset.UnixEpoch);

        order.ChangeStatus(OrderStatus.Paid, DateTimeOffset.UnixEpoch.AddMinutes(1));
        order.ChangeStatus(OrderStatus.Shipped, DateTimeOffset.UnixEpoch.AddMinutes(1));

        order.Total.ShouldBe(25m);
    }
}
