using System.Globalization;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.Infrastructure.Tests.Realtime.Wire;
using static CleanSse.Infrastructure.Tests.Realtime.RealtimeTestKit;

namespace CleanSse.Infrastructure.Tests.Realtime;

/// <summary>
/// Streams open while publishers append and the dispatcher broadcasts, so each one's catch-up races the live feed it
/// hands over to. Whatever the interleaving, a stream carries every event after its starting point exactly once, in
/// order: the ids it delivers are contiguous from where it resumed (or reset) to the last event published.
/// </summary>
public sealed class CatchUpHandOverTests
{
    private const int Rounds = 24;
    private static readonly ParsedEvent Connected = new("message", """{"type":"connected"}""", string.Empty);

    private enum Resume
    {
        Fresh,
        FromOwnId,
        Garbage,
        ForeignId,
    }

    [Fact]
    public async Task Streams_opened_during_publishing_deliver_every_event_once_in_order()
    {
        var completed = 0;
        for (var round = 0; round < Rounds; round++)
        {
            completed += await RunRoundAsync(seed: 7_000 + round, tightBounds: false);
        }

        completed.ShouldBeGreaterThan(Rounds);
    }

    [Fact]
    public async Task With_tight_queue_bounds_a_stream_is_complete_or_cut_short_as_slow_but_never_has_a_gap()
    {
        var completed = 0;
        for (var round = 0; round < Rounds; round++)
        {
            completed += await RunRoundAsync(seed: 9_000 + round, tightBounds: true);
        }

        completed.ShouldBeGreaterThan(0, "no stream got through to the end: the bounds leave nothing to check");
    }

    /// <returns>How many streams carried live events through to the last one published.</returns>
    private static async Task<int> RunRoundAsync(int seed, bool tightBounds)
    {
        var random = new Random(seed);
        var options = new RealtimeOptions
        {
            ReplayBatchSize = random.Next(1, 48),
            MaxBytesPerFlush = random.Next(1024, 16 * 1024),
            MaxQueuedEvents = tightBounds ? random.Next(16, 256) : 1_000_000,
            MaxQueuedBytes = tightBounds ? random.Next(4 * 1024, 64 * 1024) : 1L << 30,
            ShutdownRetry = TimeSpan.FromMilliseconds(1500),
        };
        var log = CreateLog();
        var foreignLog = CreateLog();
        var hub = CreateHub(options);
        var round = $"seed {seed} ({(tightBounds ? "tight" : "roomy")} bounds, batch {options.ReplayBatchSize}, "
            + $"{options.MaxQueuedEvents} events / {options.MaxQueuedBytes} bytes queued at most)";

        await using (var dispatcher = new TestDispatcher(log, hub))
        {
            var preloaded = random.Next(0, 600);
            for (var i = 0; i < preloaded; i++)
            {
                await log.AppendAsync("new-order", Data(-1, i), Token);
            }

            var foreignId = (await foreignLog.AppendAsync("new-order", "{}", Token)).Id;
            var publisherCount = random.Next(1, 4);
            var perPublisher = random.Next(100, 400);
            var total = preloaded + (publisherCount * perPublisher);
            var plans = Enumerable.Range(0, random.Next(2, 6))
                .Select(i => new ClientPlan(i, (Resume)random.Next(4), random.Next(preloaded, total + 1), random.Next()))
                .ToList();

            var publishers = Enumerable.Range(0, publisherCount)
                .Select(p => PublishAsync(log, p, perPublisher, new Random(random.Next())))
                .ToList();
            var opening = plans.Select(plan => Task.Run(() => OpenAsync(log, hub, options, plan, foreignId), Token)).ToList();

            await Within(Task.WhenAll(publishers), $"{round}: the publishers to finish");
            var streams = await Within(Task.WhenAll(opening), $"{round}: every stream to open");

            // Once every event went through the dispatcher and every stream is live (or was let go), all that a stream
            // will carry is in its queue, ahead of the retry hint that closing it adds.
            await WaitUntilAsync(() => dispatcher.Broadcasts == total, () => $"{round}: the dispatcher to broadcast {total} events");
            foreach (var stream in streams)
            {
                await WaitUntilAsync(
                    () => stream.Connection.IsLive || stream.Connection.DisconnectReason != DisconnectReason.None,
                    () => $"{round}: {stream.Plan} to go live; it has {Describe(stream.Client.Events)}");
            }

            hub.CloseAll();
            foreach (var stream in streams)
            {
                await Within(stream.Run, $"{round}: {stream.Plan} to end");
                await stream.Client.Output.CompleteAsync();
                await Within(stream.Client.Reading, $"{round}: {stream.Plan}'s client to read to the end");
            }

            hub.Count.ShouldBe(0, round);
            var published = (await log.ReadAfterAsync(EventPosition.Origin, int.MaxValue, Token)).ToDictionary(e => e.Id);
            published.Count.ShouldBe(total, round);
            foreach (var stream in streams)
            {
                Verify(stream, log.Epoch, total, published, tightBounds, $"{round}, {stream.Plan}");
            }

            return streams.Count(s => s.Connection.DisconnectReason == DisconnectReason.Shutdown && s.HeadBefore < total);
        }
    }

    private static void Verify(
        OpenedStream stream,
        string epoch,
        long total,
        Dictionary<string, LoggedEvent> published,
        bool tightBounds,
        string context)
    {
        var reason = stream.Connection.DisconnectReason;
        (reason == DisconnectReason.Shutdown || (tightBounds && reason == DisconnectReason.SlowClient))
            .ShouldBeTrue($"{context}: ended as {reason}");

        var events = stream.Client.Events.ToList();
        if (events.Count == 0)
        {
            reason.ShouldBe(DisconnectReason.SlowClient, $"{context}: got nothing at all");
            return;
        }

        events[0].ShouldBe(Connected, context);
        var delivered = events.Skip(1).ToList();

        long first;
        switch (stream.Plan.Resume)
        {
            case Resume.FromOwnId:
                first = SequenceOf(stream.LastEventId!, epoch) + 1;
                break;
            case Resume.Garbage or Resume.ForeignId:
                if (delivered.Count == 0)
                {
                    reason.ShouldBe(DisconnectReason.SlowClient, $"{context}: no reset");
                    return;
                }

                var reset = delivered[0];
                reset.Type.ShouldBe(StreamCatchUp.ResetEventType, context);
                reset.Data.ShouldBe($$"""{"reason":"history-gap","lastEventId":"{{stream.LastEventId}}","changedSince":null}""", context);
                var resetAt = SequenceOf(reset.LastEventId, epoch);
                resetAt.ShouldBe(stream.View.HeadsGiven.ShouldHaveSingleItem().Major, $"{context}: the reset carries the head's id");
                resetAt.ShouldBeGreaterThanOrEqualTo(stream.HeadBefore, context);
                first = resetAt + 1;
                delivered.RemoveAt(0);
                break;
            default:
                var head = stream.View.HeadsGiven.ShouldHaveSingleItem().Major;
                head.ShouldBeGreaterThanOrEqualTo(stream.HeadBefore, context);
                first = head + 1;
                break;
        }

        delivered.Select(e => e.LastEventId).ShouldBeSequence(
            Enumerable.Range(0, delivered.Count).Select(i => $"{epoch}-{first + i}"),
            $"{context}: ids delivered");
        foreach (var parsed in delivered)
        {
            var logged = published[parsed.LastEventId];
            parsed.Type.ShouldBe(logged.Type, context);
            parsed.Data.ShouldBe(logged.Data, context);
        }

        if (reason == DisconnectReason.Shutdown)
        {
            (first + delivered.Count - 1).ShouldBe(total, $"{context}: the last event delivered");
            stream.Client.ReconnectionTimeMilliseconds.ShouldBe(1500, context);
        }
    }

    private static async Task PublishAsync(InMemoryEventLog log, int publisher, int count, Random random)
    {
        await Task.Yield();
        for (var i = 0; i < count; i++)
        {
            await log.AppendAsync(random.Next(2) == 0 ? "new-order" : "order-updated", Data(publisher, i), Token);
            if (random.Next(8) == 0)
            {
                await Task.Yield();
            }
        }
    }

    private static async Task<OpenedStream> OpenAsync(
        InMemoryEventLog log, SseConnectionHub hub, RealtimeOptions options, ClientPlan plan, string foreignId)
    {
        var random = new Random(plan.Seed);
        while ((await log.GetHeadAsync(Token)).Position.Major < plan.OpenAtHead)
        {
            await Task.Yield();
        }

        var headBefore = (await log.GetHeadAsync(Token)).Position.Major;
        var lastEventId = plan.Resume switch
        {
            Resume.Fresh => null,
            Resume.FromOwnId => $"{log.Epoch}-{random.NextInt64(0, headBefore + 1)}",
            Resume.Garbage => $"garbage-{plan.Seed}",
            _ => foreignId,
        };

        // Each stream reads the log through its own lagging view, which records the heads its catch-up was given.
        var view = new LaggingEventLog(log);
        var connection = Open(hub, $"192.0.2.{plan.Index}");
        var client = StreamClient.ReadingFromStart();
        var run = CreateCatchUp(view, options).RunAsync(connection, lastEventId, client.Output);
        return new OpenedStream(plan, lastEventId, headBefore, view, connection, client, run);
    }

    private static long SequenceOf(string id, string epoch)
    {
        id.ShouldStartWith($"{epoch}-");
        return long.Parse(id.AsSpan(epoch.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static string Data(int publisher, int index) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"publisher":{{publisher}},"index":{{index}}}""");

    private static string Describe(IReadOnlyList<ParsedEvent> events) =>
        events.Count == 0 ? "nothing" : $"{events.Count} events, the last {events[^1].LastEventId}";

    private sealed record ClientPlan(int Index, Resume Resume, long OpenAtHead, int Seed)
    {
        public override string ToString() => $"stream {Index} ({Resume}, opened at head {OpenAtHead})";
    }

    private sealed record OpenedStream(
        ClientPlan Plan,
        string? LastEventId,
        long HeadBefore,
        LaggingEventLog View,
        SseConnection Connection,
        StreamClient Client,
        Task Run);
}
