using CleanSse.Application.Orders;
using CleanSse.Application.UnitTests.TestKit;
using CleanSse.Domain.Orders;
using Mapster;
using Mapster.Models;

namespace CleanSse.Application.UnitTests.Orders;

public sealed class OrderMappingTests
{
    [Fact]
    public void Scanning_the_application_assembly_registers_the_order_mappings()
    {
        var config = Mapping.Build();

        config.RuleMap.ShouldContainKey(new TypeTuple(typeof(Order), typeof(OrderDto)));
        config.RuleMap.ShouldContainKey(new TypeTuple(typeof(OrderLine), typeof(OrderItemDto)));
    }

    [Fact]
    public void Every_member_of_the_dtos_has_a_source_so_the_configuration_compiles_strictly()
    {
        var config = new TypeAdapterConfig { RequireDestinationMemberSource = true };
        config.Scan(typeof(OrderDto).Assembly);

        Should.NotThrow(() => config.Compile());
    }

    [Fact]
    public void An_order_maps_to_its_dto_field_by_field()
    {
        var order = Order.Create(
            "o-1",
            "customer-1",
            "Ada",
            [new OrderLine("BOOK-1", 2, 12.5m), new OrderLine("PEN-7", 3, 0.99m)],
            "ring twice",
            new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero));

        var dto = order.Adapt<OrderDto>(Mapping.Config);

        dto.Id.ShouldBe("o-1");
        dto.CustomerId.ShouldBe("customer-1");
        dto.Customer.ShouldBe("Ada");
        dto.Note.ShouldBe("ring twice");
        dto.Total.ShouldBe(27.97m);
        dto.Items.ShouldBe([new OrderItemDto("BOOK-1", 2, 12.5m), new OrderItemDto("PEN-7", 3, 0.99m)]);
    }

    [Theory]
    [InlineData(OrderStatus.New, "new")]
    [InlineData(OrderStatus.Paid, "paid")]
    [InlineData(OrderStatus.Shipped, "shipped")]
    [InlineData(OrderStatus.Cancelled, "cancelled")]
    public void The_status_is_the_lower_case_wire_name(OrderStatus status, string expected)
    {
        var dto = SampleOrders.Create(status: status).Adapt<OrderDto>(Mapping.Config);

        dto.Status.ShouldBe(expected);
    }

    [Fact]
    public void The_creation_time_is_utc()
    {
        var local = new DateTimeOffset(2026, 11, 24, 11, 30, 0, TimeSpan.FromHours(2));

        var dto = SampleOrders.Create(createdAt: local).Adapt<OrderDto>(Mapping.Config);

        dto.CreatedAt.Kind.ShouldBe(DateTimeKind.Utc);
        dto.CreatedAt.ShouldBe(new DateTime(2026, 11, 24, 9, 30, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void A_list_of_orders_maps_in_order()
    {
        List<Order> orders = [SampleOrders.Create(id: "b"), SampleOrders.Create(id: "a")];

        var dtos = orders.Adapt<List<OrderDto>>(Mapping.Config);

        dtos.Select(dto => dto.Id).ShouldBe(["b", "a"]);
    }
}
