using System.Text.Json;
using CleanSse.Application.Orders.Events;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Messaging;

namespace CleanSse.Infrastructure.Tests.Messaging;

public sealed class IntegrationEventSerializerTests
{
    private static readonly DateTimeOffset CreatedAt = new(2026, 11, 24, 9, 30, 15, 250, TimeSpan.Zero);

    private readonly IntegrationEventSerializer _serializer = new();

    private static Order SampleOrder()
    {
        var order = Order.Create(
            "0192f0a1b2c34d5e8f90123456789abc",
            "customer-1",
            "Ada Lovelace",
            [new OrderLine("BOOK-1", 2, 12.5m), new OrderLine("PEN-7", 3, 0.335m)],
            "ring twice",
            CreatedAt);
        order.ChangeStatus(OrderStatus.Paid, CreatedAt.AddMinutes(1));
        return order;
    }

    [Fact]
    public void The_stream_payload_of_an_order_event_is_the_order_json_of_version_1()
    {
        var changed = OrderStatusChanged.For(SampleOrder(), CreatedAt.AddMinutes(1));

        var json = _serializer.Serialize(changed, OrderStatusChanged.EventType);

        // The outside contract (SPEC section 3): the order JSON, camelCase, on one line. A change here is a new version;
        // updatedAt was added to version 1 (readers ignore what they do not know).
        json.ShouldBe(
            """{"id":"0192f0a1b2c34d5e8f90123456789abc","customerId":"customer-1","customer":"Ada Lovelace","items":[{"sku":"BOOK-1","quantity":2,"unitPrice":12.5},{"sku":"PEN-7","quantity":3,"unitPrice":0.335}],"note":"ring twice","total":26.01,"status":"paid","createdAt":"2026-11-24T09:30:15.25Z","updatedAt":"2026-11-24T09:31:15.25Z"}""");
    }

    [Fact]
    public void A_row_stored_before_updatedAt_existed_is_still_read_and_keeps_its_json()
    {
        const string stored = """{"id":"0192f0a1b2c34d5e8f90123456789abc","customerId":"customer-1","customer":"Ada","items":[{"sku":"A","quantity":1,"unitPrice":1}],"note":null,"total":1,"status":"new","createdAt":"2026-11-24T09:30:15.25Z"}""";

        var rebuilt = _serializer.Deserialize(OrderCreated.EventType, Guid.CreateVersion7(), CreatedAt, stored);

        rebuilt.ShouldBeOfType<OrderCreated>().Order.Id.ShouldBe("0192f0a1b2c34d5e8f90123456789abc");
        _serializer.Serialize(rebuilt, OrderCreated.EventType).ShouldBeSameAs(stored);
    }

    [Fact]
    public void An_event_is_serialized_once_every_later_ask_gets_the_same_string()
    {
        var created = OrderCreated.For(SampleOrder(), CreatedAt);

        var forTheOutbox = _serializer.Serialize(created, OrderCreated.EventType);
        var forTheStream = _serializer.Serialize(created, OrderCreated.EventType);

        forTheStream.ShouldBeSameAs(forTheOutbox);
    }

    [Fact]
    public void An_equal_but_distinct_event_is_serialized_on_its_own()
    {
        var created = OrderCreated.For(SampleOrder(), CreatedAt);
        var copy = created with { };

        var first = _serializer.Serialize(created, OrderCreated.EventType);
        var second = _serializer.Serialize(copy, OrderCreated.EventType);

        second.ShouldBe(first);
        second.ShouldNotBeSameAs(first);
    }

    [Fact]
    public void A_stored_event_is_rebuilt_whole_and_keeps_the_json_it_was_stored_with()
    {
        var created = OrderCreated.For(SampleOrder(), CreatedAt);
        var stored = _serializer.Serialize(created, OrderCreated.EventType);

        var rebuilt = _serializer.Deserialize(OrderCreated.EventType, created.EventId, created.OccurredAt, stored);

        var order = rebuilt.ShouldBeOfType<OrderCreated>();
        order.EventId.ShouldBe(created.EventId);
        order.OccurredAt.ShouldBe(created.OccurredAt);
        (order.Order with { Items = [] }).ShouldBe(created.Order with { Items = [] });
        order.Order.Items.ShouldBe(created.Order.Items);
        order.Order.CreatedAt.Kind.ShouldBe(DateTimeKind.Utc);
        _serializer.Serialize(rebuilt, OrderCreated.EventType).ShouldBeSameAs(stored);
    }

    [Fact]
    public void A_payload_that_does_not_fit_the_contract_is_refused()
    {
        Should.Throw<JsonException>(() => _serializer.Deserialize(OrderCreated.EventType, Guid.CreateVersion7(), CreatedAt, "null"));
        Should.Throw<JsonException>(() => _serializer.Deserialize(OrderCreated.EventType, Guid.CreateVersion7(), CreatedAt, "{\"id\":"));
    }

    [Fact]
    public void An_event_cannot_be_serialized_as_another_type()
    {
        var created = OrderCreated.For(SampleOrder(), CreatedAt);

        Should.Throw<ArgumentException>(() => _serializer.Serialize(created, OrderStatusChanged.EventType));
    }
}
