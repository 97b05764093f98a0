using System.Globalization;
using System.Runtime.CompilerServices;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.Infrastructure.Tests.Realtime.Wire;
using static CleanSse.Infrastructure.Tests.Realtime.RealtimeTestKit;

namespace CleanSse.Infrastructure.Tests.Realtime;

public sealed class StreamCatchUpTests
{
    private static readonly ParsedEvent Connected = new("message", """{"type":"connected"}""", string.Empty);

    [Fact]
    public async Task A_new_client_gets_the_connected_message_then_only_live_events()
    {
        var options = new RealtimeOptions();
        var log = CreateLog();
        var hub = CreateHub(options);
        await using var dispatcher = new TestDispatcher(log, hub);
        await AppendAsync(log, 5);

        var (connection, client, run) = Start(log, hub, options, lastEventId: null);
        await WaitUntilAsync(() => connection.IsLive, "the stream to go live");
        var live = await AppendAsync(log, 3);

        await WaitUntilAsync(() => client.Events.Count == 4, () => $"4 events, got {client.Events.Count}");
        client.Events[0].ShouldBe(Connected);
        client.Events.Skip(1).Select(e => e.LastEventId).ShouldBe(live.Select(e => e.Id));
        client.Events.Skip(1).Select(e => e.Type).ShouldBe(live.Select(e => e.Type));
        client.Events.Skip(1).Select(e => e.Data).ShouldBe(live.Select(e => e.Data));

        await EndAsync(hub, client, run);
        connection.DisconnectReason.ShouldBe(DisconnectReason.Shutdown);
    }

    [Fact]
    public async Task A_resuming_client_gets_what_it_missed_then_live_events()
    {
        var options = new RealtimeOptions { ReplayBatchSize = 4 };
        var log = CreateLog();
        var hub = CreateHub(options);
        await using var dispatcher = new TestDispatcher(log, hub);
        var before = await AppendAsync(log, 20);

        var (connection, client, run) = Start(log, hub, options, lastEventId: before[6].Id);
        await WaitUntilAsync(() => connection.IsLive, "the stream to go live");
        var live = await AppendAsync(log, 3);

        await WaitUntilAsync(() => client.Events.Count == 1 + 13 + 3, () => $"17 events, got {client.Events.Count}");
        client.Events[0].ShouldBe(Connected);
        client.Events.Skip(1).Select(e => e.LastEventId).ShouldBe([.. before[7..].Select(e => e.Id), .. live.Select(e => e.Id)]);
        await EndAsync(hub, client, run);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("000000000000-3")]
    public async Task A_client_with_an_unknown_id_is_told_to_reset_and_then_gets_live_events(string lastEventId)
    {
        var options = new RealtimeOptions();
        var log = CreateLog();
        var hub = CreateHub(options);
        await using var dispatcher = new TestDispatcher(log, hub);
        var before = await AppendAsync(log, 5);

        var (connection, client, run) = Start(log, hub, options, lastEventId);
        await WaitUntilAsync(() => connection.IsLive, "the stream to go live");
        var live = await AppendAsync(log, 2);

        await WaitUntilAsync(() => client.Events.Count == 4, () => $"4 events, got {client.Events.Count}");
        client.Events[0].ShouldBe(Connected);
        client.Events[1].ShouldBe(new ParsedEvent(
            StreamCatchUp.ResetEventType,
            $$"""{"reason":"history-gap","lastEventId":"{{lastEventId}}","changedSince":null}""",
            before[^1].Id));
        client.Events.Skip(2).Select(e => e.LastEventId).ShouldBe(live.Select(e => e.Id));
        await EndAsync(hub, client, run);
    }

    [Fact]
    public async Task A_client_whose_history_is_trimmed_during_its_replay_is_told_to_reset()
    {
        var options = new RealtimeOptions { ReplayBatchSize = 4, MaxQueuedEvents = 4 };
        var log = CreateLog(maxEvents: 20);
        var hub = CreateHub(options);
        var before = await AppendAsync(log, 20);

        // No dispatcher: this test is about the replay alone. The client reads nothing until the log has moved on.
        var connection = Open(hub);
        var client = StreamClient.Stalled(pauseAtBytes: 256);
        var run = CreateCatchUp(log, options).RunAsync(connection, before[0].Id, client.Output);
        await WaitUntilAsync(() => connection.QueuedEvents == options.MaxQueuedEvents, "the replay to wait for room");
        var after = await AppendAsync(log, 40);

        client.StartReading();
        await WaitUntilAsync(() => connection.IsLive, "the stream to go live");
        await EndAsync(hub, client, run);

        var events = client.Events;
        events[0].ShouldBe(Connected);
        var replayed = events.Skip(1).TakeWhile(e => e.Type != StreamCatchUp.ResetEventType).ToList();
        replayed.ShouldNotBeEmpty();
        replayed.Select(e => e.LastEventId).ShouldBe(before[1..(1 + replayed.Count)].Select(e => e.Id));
        events.Count.ShouldBe(1 + replayed.Count + 1);
        events[^1].Type.ShouldBe(StreamCatchUp.ResetEventType);
        events[^1].LastEventId.ShouldBe(after[^1].Id);
        using var reset = System.Text.Json.JsonDocument.Parse(events[^1].Data);
        reset.RootElement.GetProperty("reason").GetString().ShouldBe("history-gap");
        reset.RootElement.GetProperty("lastEventId").GetString().ShouldBe(before[0].Id);

        // At or before the client's last event, by the margin, and no earlier than the log's start less the margin.
        var changedSince = reset.RootElement.GetProperty("changedSince").GetDateTimeOffset();
        changedSince.ShouldBeLessThanOrEqualTo(before[0].Timestamp - options.ChangedSinceMargin);
        changedSince.ShouldBeGreaterThan(before[0].Timestamp - options.ChangedSinceMargin - TimeSpan.FromMinutes(1));
        reset.RootElement.GetProperty("changedSince").GetString().ShouldEndWith("Z");
    }

    [Fact]
    public async Task A_request_aborted_during_the_replay_ends_the_stream()
    {
        var options = new RealtimeOptions { ReplayBatchSize = 8, MaxQueuedEvents = 8 };
        var log = CreateLog();
        var hub = CreateHub(options);
        await AppendAsync(log, 200);
        using var requestAborted = new CancellationTokenSource();

        var connection = OpenUntil(hub, "192.0.2.1", requestAborted.Token);
        var client = StreamClient.Stalled(pauseAtBytes: 512);
        var run = CreateCatchUp(log, options).RunAsync(connection, $"{log.Epoch}-0", client.Output);
        await WaitUntilAsync(() => connection.QueuedEvents == options.MaxQueuedEvents, "the replay to wait for room");

        await requestAborted.CancelAsync();

        await Within(run, "the stream to end once the request is aborted");
        connection.DisconnectReason.ShouldBe(DisconnectReason.ClientGone);
        hub.Count.ShouldBe(0);
    }

    [Fact]
    public async Task Shutdown_during_a_replay_ends_the_stream_with_the_retry_hint()
    {
        var options = new RealtimeOptions { ReplayBatchSize = 8, MaxQueuedEvents = 8, ShutdownRetry = TimeSpan.FromSeconds(2) };
        var log = CreateLog();
        var hub = CreateHub(options);
        await AppendAsync(log, 200);

        var connection = Open(hub);
        var client = StreamClient.Stalled(pauseAtBytes: 512);
        var run = CreateCatchUp(log, options).RunAsync(connection, $"{log.Epoch}-0", client.Output);
        await WaitUntilAsync(() => connection.QueuedEvents == options.MaxQueuedEvents, "the replay to wait for room");

        hub.CloseAll();
        client.StartReading();

        await EndAsync(hub, client, run);
        connection.DisconnectReason.ShouldBe(DisconnectReason.Shutdown);
        client.ReconnectionTimeMilliseconds.ShouldBe(2000);
        var ids = client.Events.Skip(1).Select(e => e.LastEventId).ToList();
        ids.ShouldBe(Enumerable.Range(1, ids.Count).Select(n => string.Create(CultureInfo.InvariantCulture, $"{log.Epoch}-{n}")));
    }

    [Fact]
    public async Task A_stream_opened_while_the_dispatcher_works_through_a_backlog_is_not_taken_for_a_slow_client()
    {
        var options = new RealtimeOptions { MaxQueuedEvents = 64 };
        var log = CreateLog();
        var hub = CreateHub(options);
        var backlog = await AppendAsync(log, 1000);
        var gated = new GatedEventLog(log);

        // The stream starts from the head (1000); while its first read is held up, the dispatcher, behind, offers 1..1000.
        var (connection, client, run) = Start(gated, hub, options, lastEventId: null);
        await Within(gated.ReadStarted, "the catch-up to read the log");
        foreach (var logged in backlog)
        {
            hub.Broadcast(logged);
        }

        gated.Release();
        await WaitUntilAsync(() => connection.IsLive || connection.DisconnectReason != DisconnectReason.None, "the stream to go live");
        connection.DisconnectReason.ShouldBe(DisconnectReason.None);
        var live = await AppendAsync(log, 1);
        hub.Broadcast(live[0]);

        await WaitUntilAsync(() => client.Events.Count == 2, () => $"2 events, got {client.Events.Count}");
        client.Events[1].LastEventId.ShouldBe(live[0].Id);
        await EndAsync(hub, client, run);
    }

    [Fact]
    public async Task A_live_stream_keeps_nothing_of_its_catch_up()
    {
        // Whatever the catch-up's frame holds (here the id the client resumed from) lives as long as that frame: an idle
        // stream must not keep one for its whole life.
        var options = new RealtimeOptions();
        var log = CreateLog();
        var hub = CreateHub(options);
        await using var dispatcher = new TestDispatcher(log, hub);
        var before = await AppendAsync(log, 3);

        var (connection, client, run, resumedFrom) = StartResumingWithOwnId(log, hub, options, before[0].Id);
        await WaitUntilAsync(() => connection.IsLive && client.Events.Count == 3, "the stream to replay and go live");

        await WaitUntilAsync(
            () =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                return !resumedFrom.TryGetTarget(out _);
            },
            "the catch-up's state to be collected while the stream stays open");
        run.IsCompleted.ShouldBeFalse();
        var live = await AppendAsync(log, 1);
        await WaitUntilAsync(() => client.Events.Count == 4, "the live event after the collection");
        client.Events[3].LastEventId.ShouldBe(live[0].Id);
        await EndAsync(hub, client, run);
    }

    // Not inlined, so that the test's own frame holds the id only weakly.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (SseConnection Connection, StreamClient Client, Task Run, WeakReference<string> ResumedFrom) StartResumingWithOwnId(
        IEventLog log, SseConnectionHub hub, RealtimeOptions options, string lastEventId)
    {
        var ownId = new string(lastEventId.AsSpan());
        var (connection, client, run) = Start(log, hub, options, ownId);
        return (connection, client, run, new WeakReference<string>(ownId));
    }

    private static (SseConnection Connection, StreamClient Client, Task Run) Start(
        IEventLog log, SseConnectionHub hub, RealtimeOptions options, string? lastEventId)
    {
        var connection = Open(hub);
        var client = StreamClient.ReadingFromStart();
        var run = Task.Run(() => CreateCatchUp(log, options).RunAsync(connection, lastEventId, client.Output));
        return (connection, client, run);
    }

    /// <summary>Shuts the hub down and waits for the stream to end and the client to read everything.</summary>
    private static async Task EndAsync(SseConnectionHub hub, StreamClient client, Task run)
    {
        hub.CloseAll();
        await Within(run, "the stream to end");
        await client.Output.CompleteAsync();
        await Within(client.Reading, "the client to read to the end");
        hub.Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_client_that_goes_away_during_its_replay_ends_the_stream()
    {
        var options = new RealtimeOptions { ReplayBatchSize = 8, MaxQueuedEvents = 8 };
        var log = CreateLog();
        var hub = CreateHub(options);
        await AppendAsync(log, 200);

        var connection = Open(hub);
        var client = StreamClient.Stalled(pauseAtBytes: 512);
        var run = CreateCatchUp(log, options).RunAsync(connection, $"{log.Epoch}-0", client.Output);
        await WaitUntilAsync(() => connection.QueuedEvents == options.MaxQueuedEvents, "the replay to wait for room");

        client.Leave();

        await Within(run, "the stream to end once its client is gone");
        connection.DisconnectReason.ShouldBe(DisconnectReason.ClientGone);
        hub.Count.ShouldBe(0);
    }

    private static async Task<List<LoggedEvent>> AppendAsync(InMemoryEventLog log, int count)
    {
        var appended = new List<LoggedEvent>();
        for (var i = 0; i < count; i++)
        {
            appended.Add(await log.AppendAsync("order-updated", string.Create(CultureInfo.InvariantCulture, $"{{\"i\":{i}}}"), Token));
        }

        return appended;
    }

    /// <summary>A log whose reads wait until the test lets them go on.</summary>
    private sealed class GatedEventLog(IEventLog inner) : IEventLog
    {
        private readonly TaskCompletionSource _readStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task ReadStarted => _readStarted.Task;

        public void Release() => _released.TrySetResult();

        public ValueTask<LoggedEvent> AppendAsync(string type, string data, string? deduplicationKey, string? ownerId, CancellationToken cancellationToken) =>
            inner.AppendAsync(type, data, deduplicationKey, ownerId, cancellationToken);

        public ValueTask<(EventPosition Position, string Id)> GetHeadAsync(CancellationToken cancellationToken) =>
            inner.GetHeadAsync(cancellationToken);

        public ValueTask<ResumePoint> ResolveAsync(string lastEventId, CancellationToken cancellationToken) =>
            inner.ResolveAsync(lastEventId, cancellationToken);

        public async ValueTask<IReadOnlyList<LoggedEvent>> ReadAfterAsync(EventPosition after, int maxCount, CancellationToken cancellationToken)
        {
            _readStarted.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
            return await inner.ReadAfterAsync(after, maxCount, cancellationToken);
        }

        public IAsyncEnumerable<LoggedEvent> SubscribeAsync(CancellationToken cancellationToken) => inner.SubscribeAsync(cancellationToken);
    }
}
