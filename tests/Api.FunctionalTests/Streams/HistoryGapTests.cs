using System.Text.Json.Nodes;
using CleanSse.Application.Common.Persistence;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>Resuming from an id the bounded history no longer holds, or from one of an earlier process.</summary>
public sealed class HistoryGapTests(HistoryGapFixture fixture) : IClassFixture<HistoryGapFixture>, IDisposable
{
    private readonly HttpClient _client = fixture.Host.CreateClient();

    private OrdersApiClient OrdersApi => new(_client);

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_id_older_than_the_retained_history_starts_the_stream_with_a_reset(bool byHeader)
    {
        var ids = await PublishAndCollectIdsAsync(HistoryGapFixture.RetainedEvents + 3);
        var expired = ids[1];

        await using var stream = byHeader
            ? await SseReader.ConnectAsync(fixture.Host, lastEventIdHeader: expired)
            : await SseReader.ConnectAsync(fixture.Host, lastEventIdQuery: expired);
        var reset = await stream.ReadEventAsync();

        reset.EventType.ShouldBe("reset", stream.Transcript);
        var data = JsonNode.Parse(reset.Data!)!;
        data["reason"]!.GetValue<string>().ShouldBe("history-gap", reset.Data);
        data["lastEventId"]!.GetValue<string>().ShouldBe(expired, reset.Data);

        // At or before the client's last event (its log's start), less the five-minute margin for clocks.
        var changedSince = data["changedSince"]!.GetValue<DateTimeOffset>();
        changedSince.ShouldBeLessThan(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5), reset.Data);
        changedSince.ShouldBeGreaterThan(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(10), reset.Data);
        reset.Id.ShouldBe(ids[^1], "the reset carries the head's id, to resume from after reloading");

        var live = await OrdersApi.CreateAsync("after the reset", cancellationToken: TestContext.Current.CancellationToken);
        (await stream.ReadEventAsync()).Data.ShouldBe(live.Json, stream.Transcript);
    }

    [Fact]
    public async Task The_oldest_id_whose_successors_are_all_retained_still_replays()
    {
        var ids = await PublishAndCollectIdsAsync(HistoryGapFixture.RetainedEvents + 3);
        var edge = ids[^(HistoryGapFixture.RetainedEvents + 1)];

        await using var stream = await SseReader.ConnectAsync(fixture.Host, lastEventIdHeader: edge);
        var replayed = await stream.ReadEventsAsync(HistoryGapFixture.RetainedEvents);

        replayed.Select(e => e.Id).ShouldBe(ids.TakeLast(HistoryGapFixture.RetainedEvents), stream.Transcript);
    }

    [Fact]
    public async Task A_reset_past_a_thousand_orders_is_recovered_through_its_changedSince()
    {
        // Regression: the reload a reset asked for, GET /api/orders, stopped at the newest 1,000 orders, so a change to
        // an older one, made while the client was away, was lost to it for good.
        var cancellation = TestContext.Current.CancellationToken;
        var oldest = string.Empty;
        await using (var scope = fixture.Host.Services.CreateAsyncScope())
        {
            var repository = scope.ServiceProvider.GetRequiredService<IOrderRepository>();
            var start = DateTimeOffset.UtcNow.AddDays(-2);
            for (var i = 0; i < 1005; i++)
            {
                var createdAt = start.AddMilliseconds(i);
                var order = Order.Create(Guid.CreateVersion7(createdAt).ToString("N"), "bulk-owner", $"bulk {i}", [new OrderLine("A", 1, 1m)], null, createdAt);
                oldest = i == 0 ? order.Id : oldest;
                repository.Add(order);
            }

            await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(cancellation);
        }

        var ids = await PublishAndCollectIdsAsync(HistoryGapFixture.RetainedEvents + 3);
        var lastSeen = ids[1];
        await OrdersApi.ChangeStatusAsync(oldest, "paid", cancellation);
        await PublishAndCollectIdsAsync(HistoryGapFixture.RetainedEvents);

        await using var stream = await SseReader.ConnectAsync(fixture.Host, lastEventIdHeader: lastSeen);
        var reset = await stream.ReadEventAsync();
        reset.EventType.ShouldBe("reset", stream.Transcript);
        var changedSince = JsonNode.Parse(reset.Data!)!["changedSince"]!.GetValue<DateTimeOffset>();

        var reloaded = await OrdersApi.ListAllAsync(
            $"limit=200&changedSince={Uri.EscapeDataString(changedSince.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}", cancellation);

        reloaded.ShouldContain(order => order.Id == oldest && order.Status == "paid", "the change to the oldest order");
        reloaded.ShouldNotContain(order => order.Customer.StartsWith("bulk ", StringComparison.Ordinal) && order.Id != oldest, "orders unchanged since long before");
        (await OrdersApi.ListAllAsync("limit=200", cancellation)).Count(order => order.Customer.StartsWith("bulk ", StringComparison.Ordinal))
            .ShouldBe(1005, "walking every page reloads everything, past a thousand");
    }

    private async Task<IReadOnlyList<string>> PublishAndCollectIdsAsync(int count)
    {
        var hub = fixture.Host.GetRequiredService<SseConnectionHub>();
        await Eventually.HoldsAsync(() => hub.Count == 0, "the streams of earlier tests are gone");
        await using var watcher = await SseReader.ConnectAsync(fixture.Host);
        for (var i = 0; i < count; i++)
        {
            await OrdersApi.CreateAsync($"history {i}");
        }

        var events = await watcher.ReadEventsAsync(count);
        return events.Select(e => e.Id!).ToList();
    }
}
