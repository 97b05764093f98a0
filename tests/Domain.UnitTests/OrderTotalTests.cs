using CleanSse.Domain.Orders;

namespace CleanSse.Domain.UnitTests;

public sealed class OrderTotalTests
{
    [Fact]
    public void Total_is_the_sum_of_lines_rounded_to_cents()
    {
        var order = Order.Create("o1", "Ada", [new OrderLine("A", 3, 0.335m)], null, DateTimeOffset.UnixEpoch);

        order.Total.ShouldBe(1.01m);
    }
}
