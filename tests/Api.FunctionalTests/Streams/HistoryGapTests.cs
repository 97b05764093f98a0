using System.Text.Json.Nodes;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.TestKit;

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
