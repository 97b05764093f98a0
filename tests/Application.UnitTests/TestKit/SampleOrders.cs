using CleanSse.Domain.Orders;

namespace CleanSse.Application.UnitTests.TestKit;

/// <summary>Domain orders for handler tests.</summary>
internal static class SampleOrders
{
    public static readonly DateTimeOffset CreatedAt = new(2026, 11, 24, 9, 30, 0, TimeSpan.Zero);

    public static Order Create(
        string id = "0192f0a1b2c34d5e8f90123456789abc",
        string customer = "Ada",
        OrderStatus status = OrderStatus.New,
        DateTimeOffset? createdAt = null,
        string customerId = FakeCurrentUser.CustomerId)
    {
        var order = Order.Create(
            id,
            customerId,
            customer,
            [new OrderLine("BOOK-1", 2, 12.5m), new OrderLine("PEN-7", 3, 0.99m)],
            "leave at the door",
            createdAt ?? CreatedAt);

        foreach (var next in PathTo(status))
        {
            order.ChangeStatus(next, (createdAt ?? CreatedAt).AddMinutes(1));
        }

        return order;
    }

    private static OrderStatus[] PathTo(OrderStatus status) => status switch
    {
        OrderStatus.New => [],
        OrderStatus.Paid => [OrderStatus.Paid],
        OrderStatus.Shipped => [OrderStatus.Paid, OrderStatus.Shipped],
        OrderStatus.Cancelled => [OrderStatus.Cancelled],
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "No path to this status."),
    };
}
