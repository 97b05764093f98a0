using CleanSse.Client.Orders;
using CleanSse.Client.Tests.TestKit;

namespace CleanSse.Client.Tests;

public sealed class OrderEventsTests
{
    private const string Order =
        """{"id":"o-1","customer":"Ada","items":[{"sku":"BOOK-1","quantity":2,"unitPrice":12.5}],"note":null,"total":25.00,"status":"new","createdAt":"2026-11-24T04:26:38.123Z"}""";

    [Fact]
    public async Task The_service_events_are_read_as_typed_events()
    {
        var updated = Order.Replace("\"new\"", "\"paid\"", StringComparison.Ordinal).Replace("\"note\":null", "\"note\":\"gift\"", StringComparison.Ordinal);
        await using var server = await ScriptedServer.StreamingAsync(
            "data: {\"type\":\"connected\"}\n\n" +
            "event: reset\nid: 4\ndata: {\"reason\":\"history-gap\",\"lastEventId\":\"1\"}\n\n" +
            $"event: new-order\nid: 5\ndata: {Order}\n\n" +
            "event: something-else\ndata: ignored\n\n" +
            "data: not json\n\n" +
            $"event: order-updated\nid: 6\ndata: {updated}\n\n",
            Delivery.OneByteChunks);
        using var client = Streams.OneShot(server, new SseClientOptions { LastEventId = "1" });

        var events = await client.ReadOrderEventsAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        events.Count.ShouldBe(4);
        events[0].ShouldBe(new StreamConnected("1"));
        events[1].ShouldBe(new StreamReset("history-gap", "1", "4"));
        var created = events[2].ShouldBeOfType<OrderCreated>();
        created.LastEventId.ShouldBe("5");
        created.Order.Id.ShouldBe("o-1");
        created.Order.Customer.ShouldBe("Ada");
        created.Order.Items.ShouldBe([new OrderItemDto("BOOK-1", 2, 12.5m)]);
        created.Order.Note.ShouldBeNull();
        created.Order.Total.ShouldBe(25.00m);
        created.Order.Status.ShouldBe("new");
        created.Order.CreatedAt.ShouldBe(new DateTimeOffset(2026, 11, 24, 4, 26, 38, 123, TimeSpan.Zero));
        var changed = events[3].ShouldBeOfType<OrderUpdated>();
        changed.LastEventId.ShouldBe("6");
        changed.Order.Status.ShouldBe("paid");
        changed.Order.Note.ShouldBe("gift");
    }

    [Theory]
    [InlineData("new-order", "not json")]
    [InlineData("new-order", "null")]
    [InlineData("order-updated", "{\"id\":null}")]
    [InlineData("reset", "[1,2]")]
    public void Data_that_is_not_what_the_type_promises_is_invalid(string type, string data)
    {
        var failure = Should.Throw<InvalidDataException>(() => OrderEvents.Parse(new SseEvent(type, data, "9")));

        failure.Message.ShouldContain(type);
    }
}
