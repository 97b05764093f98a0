using System.Globalization;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using static CleanSse.Infrastructure.Tests.Realtime.RealtimeTestKit;

namespace CleanSse.Infrastructure.Tests.Realtime;

/// <summary>Each stream carries only its audience's events: live, on replay, and across the hand-over between them.</summary>
public sealed class PrivateStreamTests
{
    private const string Alice = "customer-alice";
    private const string Bob = "customer-bob";

    [Fact]
    public async Task A_broadcast_reaches_staff_and_the_owner_only()
    {
        var hub = CreateHub(new RealtimeOptions());
        var streams = new Dictionary<string, (SseConnection Connection, StreamClient Client, Task Pump)>();
        foreach (var (name, audience) in new[]
                 {
                     ("staff", StreamAudience.Staff),
                     ("alice-1", StreamAudience.Customer(Alice)),
                     ("alice-2", StreamAudience.Customer(Alice)),
                     ("bob", StreamAudience.Customer(Bob)),
                 })
        {
            var connection = OpenFor(hub, audience, $"192.0.2.{streams.Count + 1}");
            var client = StreamClient.ReadingFromStart();
            var pump = connection.StartWriting(client.Output);
            connection.GoLive();
            streams[name] = (connection, client, pump);
        }

        var sent = Enumerable.Range(1, 90)
            .Select(n => Event(n, ownerId: (n % 3) switch { 0 => Alice, 1 => Bob, _ => null }))
            .ToList();
        foreach (var logged in sent)
        {
            hub.Broadcast(logged);
        }

        string[] Expected(Func<LoggedEvent, bool> sees) => [.. sent.Where(sees).Select(e => e.Id)];
        var expected = new Dictionary<string, string[]>
        {
            ["staff"] = Expected(_ => true),
            ["alice-1"] = Expected(e => e.OwnerId == Alice),
            ["alice-2"] = Expected(e => e.OwnerId == Alice),
            ["bob"] = Expected(e => e.OwnerId == Bob),
        };

        foreach (var (name, (_, client, _)) in streams)
        {
            await WaitUntilAsync(() => client.Events.Count >= expected[name].Length, () => $"{name}: {expected[name].Length} events, got {client.Events.Count}");
        }

        // One more event for Alice: had anything else been queued for her, it would show before this one.
        var last = Event(91, ownerId: Alice);
        hub.Broadcast(last);
        foreach (var (name, (_, client, _)) in streams)
        {
            string[] wanted = name == "bob" ? expected[name] : [.. expected[name], last.Id];
            await WaitUntilAsync(() => client.Events.Count >= wanted.Length, () => $"{name}: {wanted.Length} events, got {client.Events.Count}");
            client.Events.Select(e => e.LastEventId).ShouldBeSequence(wanted, name);
        }

        hub.CloseAll();
        await Within(Task.WhenAll(streams.Values.Select(s => s.Pump)), "every pump to end");
    }

    [Fact]
    public void The_index_forgets_a_customer_once_its_last_stream_is_removed()
    {
        var hub = CreateHub(new RealtimeOptions { MaxConnectionsPerAddress = 10 });
        var first = OpenFor(hub, StreamAudience.Customer(Alice));
        var second = OpenFor(hub, StreamAudience.Customer(Alice));
        var staff = OpenFor(hub, StreamAudience.Staff);
        hub.CustomerCount.ShouldBe(1);

        hub.Remove(first);
        hub.CustomerCount.ShouldBe(1);
        hub.Remove(second);
        hub.CustomerCount.ShouldBe(0);
        hub.Remove(staff);
        hub.Count.ShouldBe(0);

        // A removed stream is offered nothing more: had it stayed in the index, it would hold the event.
        hub.Broadcast(Event(1, ownerId: Alice));
        second.QueuedEvents.ShouldBe(0);
        first.QueuedEvents.ShouldBe(0);
    }

    [Fact]
    public async Task Heartbeats_and_shutdown_reach_customer_streams_too()
    {
        var hub = CreateHub(new RealtimeOptions());
        var connection = OpenFor(hub, StreamAudience.Customer(Alice));
        var client = StreamClient.ReadingFromStart();
        var pump = connection.StartWriting(client.Output);
        connection.GoLive();

        hub.SendHeartbeats(idleSince: long.MaxValue).ShouldBe(1);
        await WaitUntilAsync(() => client.CommentCount == 1, "the heartbeat");

        hub.CloseAll();
        await Within(pump, "the stream to end");
        connection.DisconnectReason.ShouldBe(DisconnectReason.Shutdown);
    }

    [Fact]
    public async Task A_customer_replay_skips_others_events_and_goes_live_without_gap_or_duplicate()
    {
        var options = new RealtimeOptions { ReplayBatchSize = 4 };
        var log = CreateLog();
        var hub = CreateHub(options);
        await using var dispatcher = new TestDispatcher(log, hub);
        var before = await AppendInterleavedAsync(log, 30);

        // Resumes from an id of Bob's event: it learns nothing of Bob's events after it, only its own.
        var resumeFrom = before.First(e => e.OwnerId == Bob);
        var (connection, client, run) = Start(log, hub, options, StreamAudience.Customer(Alice), resumeFrom.Id);
        await WaitUntilAsync(() => connection.IsLive, "the stream to go live");
        var live = await AppendInterleavedAsync(log, 9);

        var expected = before.Where(e => e.Position > resumeFrom.Position).Concat(live).Where(e => e.OwnerId == Alice).Select(e => e.Id).ToList();
        await WaitUntilAsync(() => client.Events.Count >= 1 + expected.Count, () => $"{expected.Count} events, got {client.Events.Count - 1}");
        await EndAsync(hub, client, run);
        client.Events.Skip(1).Select(e => e.LastEventId).ShouldBeSequence(expected);
        client.Events.Skip(1).Select(e => e.Data).ShouldAllBe(data => data.Contains(Alice, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_customer_reset_still_works_and_later_events_are_only_its_own()
    {
        var options = new RealtimeOptions();
        var log = CreateLog();
        var hub = CreateHub(options);
        await using var dispatcher = new TestDispatcher(log, hub);
        await AppendInterleavedAsync(log, 6);

        var (connection, client, run) = Start(log, hub, options, StreamAudience.Customer(Bob), "unknown-7");
        await WaitUntilAsync(() => connection.IsLive, "the stream to go live");
        var live = await AppendInterleavedAsync(log, 6);

        var expected = live.Where(e => e.OwnerId == Bob).Select(e => e.Id).ToList();
        await WaitUntilAsync(() => client.Events.Count >= 2 + expected.Count, () => $"reset and {expected.Count} events, got {client.Events.Count}");
        await EndAsync(hub, client, run);
        client.Events[1].Type.ShouldBe(StreamCatchUp.ResetEventType);
        client.Events.Skip(2).Select(e => e.LastEventId).ShouldBeSequence(expected);
    }

    [Fact]
    public async Task The_hand_over_never_lets_another_customers_event_through()
    {
        // Many rounds: each stream resumes while three publishers interleave both customers' events with its catch-up.
        var options = new RealtimeOptions { ReplayBatchSize = 3, MaxQueuedEvents = 100_000, MaxQueuedBytes = 64 * 1024 * 1024 };
        var log = CreateLog();
        var seed = await AppendInterleavedAsync(log, 20);
        for (var round = 0; round < 20; round++)
        {
            var hub = CreateHub(options);
            await using var dispatcher = new TestDispatcher(log, hub);
            var resumeFrom = seed[round % seed.Count];
            var (connection, client, run) = Start(log, hub, options, StreamAudience.Customer(Alice), resumeFrom.Id);
            var publishers = Enumerable.Range(0, 3).Select(_ => Task.Run(() => AppendInterleavedAsync(log, 30))).ToArray();
            await Within(Task.WhenAll(publishers), "the publishers");
            await WaitUntilAsync(() => connection.IsLive, "the stream to go live");
            var all = await log.ReadAfterAsync(resumeFrom.Position, 100_000, Token);
            var expected = all.Where(e => e.OwnerId == Alice).Select(e => e.Id).ToList();

            await WaitUntilAsync(() => client.Events.Count >= 1 + expected.Count, () => $"round {round}: {expected.Count} events, got {client.Events.Count - 1}");

            // Whatever else was on its way (another customer's event let through) is written before the stream ends.
            await EndAsync(hub, client, run);
            client.Events.Skip(1).Select(e => e.LastEventId).ShouldBeSequence(expected, $"round {round}");
        }
    }

    private static async Task<List<LoggedEvent>> AppendInterleavedAsync(InMemoryEventLog log, int count)
    {
        var appended = new List<LoggedEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var owner = (i % 3) switch { 0 => Alice, 1 => Bob, _ => null };
            var data = string.Create(CultureInfo.InvariantCulture, $"{{\"customerId\":\"{owner}\",\"i\":{i}}}");
            appended.Add(await log.AppendAsync("order-updated", data, deduplicationKey: null, owner, Token));
        }

        return appended;
    }

    private static (SseConnection Connection, StreamClient Client, Task Run) Start(
        IEventLog log, SseConnectionHub hub, RealtimeOptions options, StreamAudience audience, string? lastEventId)
    {
        var connection = OpenFor(hub, audience);
        var client = StreamClient.ReadingFromStart();
        var run = Task.Run(() => CreateCatchUp(log, options).RunAsync(connection, lastEventId, client.Output));
        return (connection, client, run);
    }

    private static async Task EndAsync(SseConnectionHub hub, StreamClient client, Task run)
    {
        hub.CloseAll();
        await Within(run, "the stream to end");
        await client.Output.CompleteAsync();
        await Within(client.Reading, "the client to read to the end");
    }
}
