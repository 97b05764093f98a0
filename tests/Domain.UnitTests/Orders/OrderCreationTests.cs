using CleanSse.Domain.Common;
using CleanSse.Domain.Orders;

namespace CleanSse.Domain.UnitTests.Orders;

public sealed class OrderCreationTests
{
    private static readonly OrderLine[] OneLine = [new OrderLine("BOOK-1", 2, 12.5m)];

    [Fact]
    public void A_created_order_keeps_what_it_was_given_and_starts_new()
    {
        var createdAt = new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero);
        OrderLine[] lines = [new OrderLine("BOOK-1", 2, 12.5m), new OrderLine("PEN-7", 1, 0.99m)];

        var order = Order.Create("o-42", "customer-1", "Ada Lovelace", lines, "ring twice", createdAt);

        order.Id.ShouldBe("o-42");
        order.CustomerId.ShouldBe("customer-1");
        order.Customer.ShouldBe("Ada Lovelace");
        order.Note.ShouldBe("ring twice");
        order.Lines.ShouldBe(lines);
        order.Total.ShouldBe(25.99m);
        order.Status.ShouldBe(OrderStatus.New);
        order.CreatedAt.ShouldBe(createdAt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void An_order_needs_the_id_of_its_customer(string? customerId)
    {
        Should.Throw<DomainException>(() => Order.Create("o1", customerId!, "Ada", OneLine, null, DateTimeOffset.UnixEpoch));
    }

    [Theory]
    [InlineData("customer-1", true)]
    [InlineData("customer-2", false)]
    [InlineData("CUSTOMER-1", false)]
    [InlineData(null, false)]
    public void An_order_is_owned_by_exactly_the_user_who_placed_it(string? userId, bool owned)
    {
        var order = Order.Create("o1", "customer-1", "Ada", OneLine, null, DateTimeOffset.UnixEpoch);

        order.IsOwnedBy(userId).ShouldBe(owned);
    }

    [Fact]
    public void The_note_is_optional()
    {
        var order = Order.Create("o1", "customer-1", "Ada", OneLine, null, DateTimeOffset.UnixEpoch);

        order.Note.ShouldBeNull();
    }

    [Fact]
    public void The_creation_time_is_kept_as_the_same_instant_in_utc()
    {
        var local = new DateTimeOffset(2026, 11, 24, 11, 30, 0, TimeSpan.FromHours(2));

        var order = Order.Create("o1", "customer-1", "Ada", OneLine, null, local);

        order.CreatedAt.Offset.ShouldBe(TimeSpan.Zero);
        order.CreatedAt.ShouldBe(local);
        order.CreatedAt.UtcDateTime.ShouldBe(new DateTime(2026, 11, 24, 9, 30, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void The_lines_are_copied_so_later_changes_to_the_caller_s_list_do_not_reach_the_order()
    {
        var lines = new List<OrderLine> { new("A", 1, 1m) };

        var order = Order.Create("o1", "customer-1", "Ada", lines, null, DateTimeOffset.UnixEpoch);
        lines.Add(new OrderLine("B", 1, 100m));

        order.Lines.Count.ShouldBe(1);
        order.Total.ShouldBe(1m);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\n")]
    [InlineData(null)]
    public void An_order_without_a_customer_is_refused(string? customer)
    {
        Should.Throw<DomainException>(() => Order.Create("o1", "customer-1", customer!, OneLine, null, DateTimeOffset.UnixEpoch))
            .Message.ShouldContain("customer");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(null)]
    public void An_order_without_an_id_is_refused(string? id)
    {
        Should.Throw<DomainException>(() => Order.Create(id!, "customer-1", "Ada", OneLine, null, DateTimeOffset.UnixEpoch))
            .Message.ShouldContain("id");
    }

    [Fact]
    public void An_order_without_lines_is_refused()
    {
        Should.Throw<DomainException>(() => Order.Create("o1", "customer-1", "Ada", [], null, DateTimeOffset.UnixEpoch))
            .Message.ShouldContain("line");
    }

    [Fact]
    public void A_null_line_list_is_a_programming_error()
    {
        Should.Throw<ArgumentNullException>(() => Order.Create("o1", "customer-1", "Ada", null!, null, DateTimeOffset.UnixEpoch));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    public void A_line_without_a_sku_is_refused(string? sku)
    {
        Should.Throw<DomainException>(() => new OrderLine(sku!, 1, 1m)).Message.ShouldContain("SKU");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void A_line_whose_quantity_is_not_positive_is_refused(int quantity)
    {
        Should.Throw<DomainException>(() => new OrderLine("A", quantity, 1m)).Message.ShouldContain("quantity");
    }

    [Theory]
    [InlineData("-0.01")]
    [InlineData("-1")]
    public void A_line_with_a_negative_unit_price_is_refused(string unitPrice)
    {
        var price = decimal.Parse(unitPrice, System.Globalization.CultureInfo.InvariantCulture);

        Should.Throw<DomainException>(() => new OrderLine("A", 1, price)).Message.ShouldContain("price");
    }

    [Fact]
    public void The_smallest_valid_line_is_one_unit_at_no_cost()
    {
        var line = new OrderLine("A", 1, 0m);

        line.Sku.ShouldBe("A");
        line.Quantity.ShouldBe(1);
        line.UnitPrice.ShouldBe(0m);
    }

    [Fact]
    public void Lines_with_the_same_values_are_equal()
    {
        new OrderLine("A", 2, 1.5m).ShouldBe(new OrderLine("A", 2, 1.5m));
        new OrderLine("A", 2, 1.5m).ShouldNotBe(new OrderLine("A", 3, 1.5m));
    }
}
