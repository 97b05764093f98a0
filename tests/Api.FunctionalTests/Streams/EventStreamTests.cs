using System.Net;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>Section 3 of the contract: the stream's start, fan-out, ordering, resume, gaps and heartbeats.</summary>
public sealed partial class EventStreamTests(EventStreamFixture fixture) : IClassFixture<EventStreamFixture>, IDisposable
{
    private readonly HttpClient _client = fixture.Host.CreateClient();

    private OrdersApiClient OrdersApi => new(_client);

    private Uri BaseAddress => fixture.Host.BaseAddress;

    private SseConnectionHub Hub => fixture.Host.GetRequiredService<SseConnectionHub>();

    private IEventLog Log => fixture.Host.GetRequiredService<IEventLog>();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task A_stream_answers_event_stream_headers_and_the_connected_message_at_once()
    {
        await using var stream = await SseReader.OpenAsync(fixture.Host);

        stream.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        stream.Response.Content.Headers.ContentType?.MediaType.ShouldBe("text/event-stream");
        stream.Response.Headers.CacheControl?.NoCache.ShouldBe(true);
        stream.Response.Headers.GetValues("X-Accel-Buffering").ShouldBe(["no"]);

        // Nothing is published, so only the connected message itself can end this wait.
        var first = await stream.ReadBlockAsync(TimeSpan.FromSeconds(10));
        first.ShouldNotBeNull();
        first.EventType.ShouldBeNull();
        first.Id.ShouldBeNull();
        first.Data.ShouldBe("""{"type":"connected"}""");
    }

    [Fact]
    public async Task The_standard_parser_reads_the_stream_as_the_contract_describes()
    {
        await using var stream = await SseReader.OpenAsync(fixture.Host);
        var body = await stream.Response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var parser = SseParser.Create(body);
        await using var items = parser.EnumerateAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);

        (await items.MoveNextAsync()).ShouldBeTrue();
        items.Current.EventType.ShouldBe(SseParser.EventTypeDefault);
        items.Current.Data.ShouldBe("""{"type":"connected"}""");
        items.Current.EventId.ShouldBeNullOrEmpty();

        var created = await OrdersApi.CreateAsync("parsed by the standard parser", cancellationToken: TestContext.Current.CancellationToken);
        (await items.MoveNextAsync()).ShouldBeTrue();
        items.Current.EventType.ShouldBe("new-order");
        items.Current.Data.ShouldBe(created.Json);
        items.Current.EventId.ShouldNotBeNullOrEmpty();
        parser.LastEventId.ShouldBe(items.Current.EventId);
    }

    [Fact]
    public async Task Every_open_stream_receives_new_order_and_order_updated_with_the_api_json()
    {
        await using var first = await SseReader.ConnectAsync(fixture.Host);
        await using var second = await SseReader.ConnectAsync(fixture.Host);

        var created = await OrdersApi.CreateAsync("seen by both", cancellationToken: TestContext.Current.CancellationToken);
        var paid = await OrdersApi.ChangeStatusAsync(created.Id, "paid", cancellationToken: TestContext.Current.CancellationToken);

        var ids = new List<string>();
        foreach (var stream in new[] { first, second })
        {
            var newOrder = await stream.ReadEventAsync();
            newOrder.EventType.ShouldBe("new-order", stream.Transcript);
            newOrder.Id.ShouldNotBeNullOrWhiteSpace();
            newOrder.Data.ShouldBe(created.Json);

            var updated = await stream.ReadEventAsync();
            updated.EventType.ShouldBe("order-updated", stream.Transcript);
            updated.Id.ShouldNotBeNullOrWhiteSpace();
            updated.Id.ShouldNotBe(newOrder.Id);
            updated.Data.ShouldBe(paid.Json);
            JsonNode.Parse(updated.Data!)!["status"]!.GetValue<string>().ShouldBe("paid");
            ids.Add($"{newOrder.Id} {updated.Id}");
        }

        ids.Distinct(StringComparer.Ordinal).Count().ShouldBe(1, "both streams carry the same ids");
    }

    [Fact]
    public async Task An_event_published_right_after_connected_arrives()
    {
        // A client loads the orders when 'connected' arrives, so whatever is published after it must reach the stream.
        for (var round = 0; round < 500; round++)
        {
            await using var stream = await SseReader.ConnectAsync(fixture.Host);
            var published = await Log.AppendAsync("probe", $$"""{"round":{{round}}}""", TestContext.Current.CancellationToken);

            var received = await stream.ReadEventAsync();

            received.Id.ShouldBe(published.Id, $"round {round}: {stream.Transcript}");
        }
    }

    [Fact]
    public async Task A_client_that_disconnects_leaves_the_hub()
    {
        await Eventually.HoldsAsync(() => Hub.Count == 0, "no stream is open before the test", cancellationToken: TestContext.Current.CancellationToken);
        var stream = await SseReader.ConnectAsync(fixture.Host);
        Hub.Count.ShouldBe(1);

        await stream.DisposeAsync();

        await Eventually.HoldsAsync(() => Hub.Count == 0, "the closed stream is removed from the hub", cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Clients_that_reset_the_connection_right_after_asking_leave_no_stream_behind()
    {
        await Eventually.HoldsAsync(() => Hub.Count == 0, "no stream is open before the test", cancellationToken: TestContext.Current.CancellationToken);
        var request = Encoding.ASCII.GetBytes(
            $"GET {SseReader.EventsPath} HTTP/1.1\r\nHost: {BaseAddress.Authority}\r\nAuthorization: Bearer {fixture.Host.Clients.AccessToken}\r\n\r\n");

        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (_, cancellationToken) =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, BaseAddress.Port, cancellationToken);
            await socket.SendAsync(request, SocketFlags.None, cancellationToken);

            // A zero linger time resets the connection instead of closing it in order.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        });

        await Eventually.HoldsAsync(() => Hub.Count == 0, "every abandoned stream left the hub", cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Event_ids_follow_publish_order()
    {
        await using var stream = await SseReader.ConnectAsync(fixture.Host);
        var created = new List<ApiOrder>();
        for (var i = 0; i < 12; i++)
        {
            created.Add(await OrdersApi.CreateAsync($"ordered {i}", cancellationToken: TestContext.Current.CancellationToken));
        }

        var events = await stream.ReadEventsAsync(created.Count);

        events.Select(e => e.Data).ShouldBe(created.Select(order => order.Json));
        var positions = new List<EventPosition>();
        foreach (var received in events)
        {
            positions.Add(await Log.PositionOfAsync(received.Id!));
        }

        positions.ShouldBeInOrder(SortDirection.Ascending);
        positions.Distinct().Count().ShouldBe(positions.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_client_that_resumes_receives_exactly_the_events_it_missed(bool byHeader)
    {
        string lastSeen;
        await using (var before = await SseReader.ConnectAsync(fixture.Host))
        {
            var seen = await OrdersApi.CreateAsync("seen before the drop", cancellationToken: TestContext.Current.CancellationToken);
            var seenEvent = await before.ReadEventAsync();
            seenEvent.Data.ShouldBe(seen.Json);
            lastSeen = seenEvent.Id!;
        }

        await Eventually.HoldsAsync(() => Hub.Count == 0, "the dropped stream has left", cancellationToken: TestContext.Current.CancellationToken);
        var missed = new List<(string Type, string Json)>();
        var a = await OrdersApi.CreateAsync("missed 1", cancellationToken: TestContext.Current.CancellationToken);
        missed.Add(("new-order", a.Json));
        var b = await OrdersApi.CreateAsync("missed 2", cancellationToken: TestContext.Current.CancellationToken);
        missed.Add(("new-order", b.Json));
        missed.Add(("order-updated", (await OrdersApi.ChangeStatusAsync(a.Id, "paid", cancellationToken: TestContext.Current.CancellationToken)).Json));
        missed.Add(("order-updated", (await OrdersApi.ChangeStatusAsync(b.Id, "cancelled", cancellationToken: TestContext.Current.CancellationToken)).Json));

        await using var resumed = byHeader
            ? await SseReader.ConnectAsync(fixture.Host, lastEventIdHeader: lastSeen)
            : await SseReader.ConnectAsync(fixture.Host, lastEventIdQuery: lastSeen);
        var replayed = await resumed.ReadEventsAsync(missed.Count);

        replayed.Select(e => (e.EventType!, e.Data!)).ShouldBe(missed, resumed.Transcript);
        var expectedIds = (await Log.ReadAllAfterAsync(lastSeen)).Select(logged => logged.Id);
        replayed.Select(e => e.Id).ShouldBe(expectedIds);

        // Then live, with nothing repeated: the next event is the one published now.
        var live = await OrdersApi.CreateAsync("live after the replay", cancellationToken: TestContext.Current.CancellationToken);
        var next = await resumed.ReadEventAsync();
        next.Data.ShouldBe(live.Json, resumed.Transcript);
    }

    [Fact]
    public async Task A_client_that_missed_nothing_resumes_straight_into_live_events()
    {
        await OrdersApi.CreateAsync("already seen", cancellationToken: TestContext.Current.CancellationToken);
        var head = await Log.HeadIdAsync();

        await using var resumed = await SseReader.ConnectAsync(fixture.Host, lastEventIdHeader: head);
        var live = await OrdersApi.CreateAsync("the only one to arrive", cancellationToken: TestContext.Current.CancellationToken);

        var next = await resumed.ReadEventAsync();
        next.Data.ShouldBe(live.Json, resumed.Transcript);
    }

    [Theory]
    [InlineData("not-an-id", true)]
    [InlineData("not-an-id", false)]
    [InlineData("42", true)]
    [InlineData("0123456789ab-1", false)]
    public async Task An_unknown_id_starts_the_stream_with_a_reset(string lastEventId, bool byHeader)
    {
        await using var stream = byHeader
            ? await SseReader.ConnectAsync(fixture.Host, lastEventIdHeader: lastEventId)
            : await SseReader.ConnectAsync(fixture.Host, lastEventIdQuery: lastEventId);

        var reset = await stream.ReadEventAsync();

        reset.EventType.ShouldBe("reset", stream.Transcript);
        ShouldBeHistoryGap(reset, lastEventId, changedSince: null);
    }

    [Fact]
    public async Task An_id_ahead_of_the_log_starts_the_stream_with_a_reset()
    {
        var head = await Log.HeadIdAsync();
        var ahead = AheadOf(head);

        await using var stream = await SseReader.ConnectAsync(fixture.Host, lastEventIdHeader: ahead);
        var reset = await stream.ReadEventAsync();

        reset.EventType.ShouldBe("reset", stream.Transcript);
        // An id of this log tells a time: its log's start, less the margin for clocks that disagree.
        var changedSince = JsonNode.Parse(reset.Data!)!["changedSince"]!.GetValue<DateTimeOffset>();
        changedSince.ShouldBeLessThan(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5));
        ShouldBeHistoryGap(reset, ahead, changedSince);
    }

    [Fact]
    public async Task After_a_reset_the_reset_id_resumes_without_another_reset()
    {
        string resetId;
        await using (var stream = await SseReader.ConnectAsync(fixture.Host, lastEventIdHeader: "unknown"))
        {
            var reset = await stream.ReadEventAsync();
            reset.EventType.ShouldBe("reset");
            reset.Id.ShouldNotBeNullOrWhiteSpace();
            resetId = reset.Id!;
        }

        var missed = await OrdersApi.CreateAsync("after the reset", cancellationToken: TestContext.Current.CancellationToken);
        await using var resumed = await SseReader.ConnectAsync(fixture.Host, lastEventIdHeader: resetId);

        var next = await resumed.ReadEventAsync();
        next.EventType.ShouldBe("new-order", resumed.Transcript);
        next.Data.ShouldBe(missed.Json);
    }

    [Fact]
    public async Task An_idle_stream_receives_a_heartbeat_comment()
    {
        await using var stream = await SseReader.ConnectAsync(fixture.Host);

        var block = await stream.ReadBlockAsync(TimeSpan.FromSeconds(10));

        block.ShouldNotBeNull();
        block.IsEvent.ShouldBeFalse(stream.Transcript);
        block.Comments.ShouldNotBeEmpty(stream.Transcript);
    }

    [Fact]
    public async Task Metrics_expose_the_realtime_instruments()
    {
        await using (var live = await SseReader.ConnectAsync(fixture.Host))
        {
            await OrdersApi.CreateAsync("measured 1", cancellationToken: TestContext.Current.CancellationToken);
            var firstId = (await live.ReadEventAsync()).Id!;
            await OrdersApi.CreateAsync("measured 2", cancellationToken: TestContext.Current.CancellationToken);
            await live.ReadEventAsync();
            await using var replaying = await SseReader.ConnectAsync(fixture.Host, lastEventIdHeader: firstId);
            (await replaying.ReadEventAsync()).EventType.ShouldBe("new-order");
            await using var reset = await SseReader.ConnectAsync(fixture.Host, lastEventIdHeader: "unknown");
            (await reset.ReadEventAsync()).EventType.ShouldBe("reset");
        }

        string[] expected =
        [
            "cleansse_sse_open_streams", "cleansse_sse_events_published", "cleansse_sse_events_delivered",
            "cleansse_sse_written", "cleansse_sse_replays", "cleansse_sse_replayed_events", "cleansse_sse_resets",
        ];
        var names = new HashSet<string>(StringComparer.Ordinal);
        await Eventually.HoldsAsync(
            async () =>
            {
                using var response = await _client.GetAsync("/metrics", TestContext.Current.CancellationToken);
                response.StatusCode.ShouldBe(HttpStatusCode.OK);
                var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                names = [.. MetricName().Matches(text).Select(match => match.Groups["name"].Value)];
                return expected.All(name => names.Any(found => found.StartsWith(name, StringComparison.Ordinal)));
            },
            "/metrics lists every realtime instrument used so far", cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_open_streams_gauge_follows_the_streams_that_open_and_close()
    {
        await Eventually.HoldsAsync(() => Hub.Count == 0, "no stream is open before the test", cancellationToken: TestContext.Current.CancellationToken);
        var first = await SseReader.ConnectAsync(fixture.Host);
        await using var second = await SseReader.ConnectAsync(fixture.Host);
        await using (var third = await SseReader.ConnectAsync(fixture.Host, lastEventIdHeader: "unknown"))
        {
            await OpenStreamsShouldBecomeAsync(3);
        }

        await first.DisposeAsync();
        await OpenStreamsShouldBecomeAsync(1);
    }

    private async Task OpenStreamsShouldBecomeAsync(double expected)
    {
        double? last = null;
        await Eventually.HoldsAsync(
            async () => (last = Metrics.Value(await Metrics.ScrapeAsync(_client), "cleansse_sse_open_streams")) == expected,
            $"cleansse_sse_open_streams is {expected} (last seen {last?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})");
    }

    private static void ShouldBeHistoryGap(SseBlock reset, string lastEventId, DateTimeOffset? changedSince)
    {
        var expected = new JsonObject
        {
            ["reason"] = "history-gap",
            ["lastEventId"] = lastEventId,
            ["changedSince"] = changedSince is { } since ? JsonValue.Create(since.UtcDateTime) : null,
        };
        JsonNode.DeepEquals(JsonNode.Parse(reset.Data!), expected).ShouldBeTrue(reset.Data);
    }

    /// <summary>An id of this log one past its head (ids end in their sequence number).</summary>
    private static string AheadOf(string head)
    {
        var dash = head.LastIndexOf('-');
        var sequence = long.Parse(head[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{head[..dash]}-{sequence + 1}");
    }

    [GeneratedRegex(@"^(?<name>cleansse_sse_[a-z_]+)", RegexOptions.Multiline)]
    private static partial Regex MetricName();
}
