using System.Text;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.Infrastructure.Realtime.Wire;
using static CleanSse.Infrastructure.Tests.Realtime.RealtimeTestKit;

namespace CleanSse.Infrastructure.Tests.Realtime.Connections;

public sealed class SseConnectionTests
{
    [Fact]
    public async Task A_connection_without_a_pump_takes_exactly_MaxQueuedEvents_events_then_is_disconnected_as_slow()
    {
        var options = new RealtimeOptions { MaxQueuedEvents = 5, MaxQueuedBytes = 1 << 20 };
        var connection = Open(CreateHub(options));
        connection.GoLive();

        for (var n = 1; n <= 5; n++)
        {
            connection.TryEnqueue(Event(n).Frame, isEvent: true).ShouldBeTrue($"event {n}");
        }

        // Comments do not count as events.
        connection.TryEnqueue(SseFrame.Comment("heartbeat"), isEvent: false).ShouldBeTrue();
        connection.DisconnectReason.ShouldBe(DisconnectReason.None);

        connection.TryEnqueue(Event(6).Frame, isEvent: true).ShouldBeFalse();
        connection.DisconnectReason.ShouldBe(DisconnectReason.SlowClient);
        connection.TryEnqueue(Event(7).Frame, isEvent: true).ShouldBeFalse();

        // Once written, the stream ends at once, without sending what it had queued.
        var client = StreamClient.ReadingFromStart();
        await Within(connection.StartWriting(client.Output), "the pump of a disconnected stream to end");
        client.Bytes.ShouldBeEmpty();
    }

    [Fact]
    public void A_connection_without_a_pump_takes_exactly_MaxQueuedBytes_then_is_disconnected_as_slow()
    {
        var frame = Event(1, size: 200).Frame;
        var options = new RealtimeOptions { MaxQueuedEvents = 1000, MaxQueuedBytes = frame.Length * 4 };
        var connection = Open(CreateHub(options));
        connection.GoLive();

        for (var n = 0; n < 4; n++)
        {
            connection.TryEnqueue(frame, isEvent: true).ShouldBeTrue();
        }

        connection.QueuedBytes.ShouldBe(options.MaxQueuedBytes);
        connection.TryEnqueue(":\n\n"u8.ToArray(), isEvent: false).ShouldBeFalse();
        connection.DisconnectReason.ShouldBe(DisconnectReason.SlowClient);
        connection.PeakQueuedBytes.ShouldBe(options.MaxQueuedBytes);
    }

    [Fact]
    public async Task The_pump_writes_queued_frames_in_order_and_empties_the_queue()
    {
        var options = new RealtimeOptions { MaxBytesPerFlush = 1024 };
        var connection = Open(CreateHub(options));
        var client = StreamClient.ReadingFromStart();
        var pump = connection.StartWriting(client.Output);
        connection.GoLive();

        var sent = Enumerable.Range(1, 200).Select(n => Event(n, size: n % 7 * 40)).ToList();
        foreach (var logged in sent)
        {
            connection.Offer(logged);
        }

        await WaitUntilAsync(() => client.Events.Count == 200, () => $"200 events, got {client.Events.Count}");
        client.Bytes.ShouldBe(sent.SelectMany(e => e.Frame.ToArray()));
        await WaitUntilAsync(() => connection.QueuedBytes == 0 && connection.QueuedEvents == 0, "an empty queue");

        connection.Disconnect(DisconnectReason.ClientGone);
        await Within(pump, "the pump to end");
    }

    [Fact]
    public async Task Live_offers_skip_what_the_catch_up_already_queued()
    {
        var connection = Open(CreateHub(new RealtimeOptions()));
        var client = StreamClient.ReadingFromStart();
        var pump = connection.StartWriting(client.Output);

        // The replay queued 1..3; the dispatcher meanwhile offered 2..5.
        for (var n = 1; n <= 3; n++)
        {
            await connection.EnqueueWhenRoomAsync(Event(n).Frame, Token);
            connection.MarkQueuedThrough(new EventPosition(n, 0));
        }

        for (var n = 2; n <= 5; n++)
        {
            connection.Offer(Event(n));
        }

        connection.IsLive.ShouldBeFalse();
        connection.GoLive();
        connection.IsLive.ShouldBeTrue();
        connection.Offer(Event(5));
        connection.Offer(Event(6));
        connection.Offer(Event(4));

        await WaitUntilAsync(() => client.Events.Count >= 6, () => $"6 events, got {client.Events.Count}");
        connection.Disconnect(DisconnectReason.ClientGone);
        await Within(pump, "the pump to end");
        client.Events.Select(e => e.LastEventId).ShouldBe(Enumerable.Range(1, 6).Select(n => IdOf(n)));
    }

    [Fact]
    public async Task Offers_the_catch_up_already_covers_do_not_count_against_the_pending_bound()
    {
        var connection = Open(CreateHub(new RealtimeOptions { MaxQueuedEvents = 10 }));
        var client = StreamClient.ReadingFromStart();
        var pump = connection.StartWriting(client.Output);

        // The catch-up starts after event 100 while a lagging dispatcher is still offering the events before it.
        connection.MarkQueuedThrough(new EventPosition(100, 0));
        for (var n = 1; n <= 100; n++)
        {
            connection.Offer(Event(n));
        }

        connection.DisconnectReason.ShouldBe(DisconnectReason.None);
        for (var n = 101; n <= 105; n++)
        {
            connection.Offer(Event(n));
        }

        connection.GoLive();
        await WaitUntilAsync(() => client.Events.Count >= 5, () => $"5 events, got {client.Events.Count}");
        connection.Disconnect(DisconnectReason.ClientGone);
        await Within(pump, "the pump to end");
        client.Events.Select(e => e.LastEventId).ShouldBe(Enumerable.Range(101, 5).Select(n => IdOf(n)));
    }

    [Fact]
    public async Task Pending_offers_the_replay_has_since_queued_make_room_for_new_ones()
    {
        var connection = Open(CreateHub(new RealtimeOptions { MaxQueuedEvents = 10 }));
        var client = StreamClient.ReadingFromStart();
        var pump = connection.StartWriting(client.Output);
        connection.MarkQueuedThrough(EventPosition.Origin);

        // The dispatcher offers 1..10 while the replay is still reading; the replay then queues 1..10 itself.
        for (var n = 1; n <= 10; n++)
        {
            connection.Offer(Event(n));
        }

        for (var n = 1; n <= 10; n++)
        {
            await connection.EnqueueWhenRoomAsync(Event(n).Frame, Token);
            connection.MarkQueuedThrough(new EventPosition(n, 0));
        }

        // With the replay written out, the queue has room for what comes next; the pending list is still full.
        await WaitUntilAsync(() => client.Events.Count == 10, () => $"the 10 replayed events, got {client.Events.Count}");
        connection.Offer(Event(11));
        connection.DisconnectReason.ShouldBe(DisconnectReason.None);
        connection.GoLive();

        await WaitUntilAsync(() => client.Events.Count >= 11, () => $"11 events, got {client.Events.Count}");
        connection.Disconnect(DisconnectReason.ClientGone);
        await Within(pump, "the pump to end");
        client.Events.Select(e => e.LastEventId).ShouldBe(Enumerable.Range(1, 11).Select(n => IdOf(n)));
    }

    [Fact]
    public void A_catch_up_that_falls_MaxQueuedEvents_behind_the_live_feed_is_disconnected_as_slow()
    {
        var connection = Open(CreateHub(new RealtimeOptions { MaxQueuedEvents = 3 }));

        for (var n = 1; n <= 3; n++)
        {
            connection.Offer(Event(n));
        }

        connection.DisconnectReason.ShouldBe(DisconnectReason.None);
        connection.Offer(Event(4));
        connection.DisconnectReason.ShouldBe(DisconnectReason.SlowClient);
    }

    [Fact]
    public async Task A_stalled_live_client_is_disconnected_with_its_queue_within_bounds()
    {
        var frameLength = Event(1, size: 300).Frame.Length;
        var options = new RealtimeOptions { MaxQueuedEvents = 1000, MaxQueuedBytes = 4096, MaxBytesPerFlush = 1024 };
        var connection = Open(CreateHub(options));
        var client = StreamClient.Stalled(pauseAtBytes: 2048);
        var pump = connection.StartWriting(client.Output);
        connection.GoLive();

        for (var n = 1; n <= 200 && connection.DisconnectReason == DisconnectReason.None; n++)
        {
            connection.Offer(Event(n, size: 300));
        }

        connection.DisconnectReason.ShouldBe(DisconnectReason.SlowClient);
        connection.PeakQueuedBytes.ShouldBeLessThanOrEqualTo(options.MaxQueuedBytes + frameLength);
        await Within(pump, "the pump of a disconnected client to end");
    }

    [Fact]
    public async Task A_replay_to_a_stalled_client_waits_for_room_and_stays_within_bounds()
    {
        var frame = Event(1, size: 500).Frame;
        var options = new RealtimeOptions { MaxQueuedEvents = 1000, MaxQueuedBytes = 4096, MaxBytesPerFlush = 1024 };
        var connection = Open(CreateHub(options));
        var client = StreamClient.Stalled(pauseAtBytes: 1024);
        var pump = connection.StartWriting(client.Output);

        var replay = Task.Run(
            async () =>
            {
                for (var n = 0; n < 100; n++)
                {
                    await connection.EnqueueWhenRoomAsync(frame, connection.Aborted);
                }
            },
            Token);

        await WaitUntilAsync(() => connection.QueuedBytes + frame.Length > options.MaxQueuedBytes, "the replay to fill the queue");
        replay.IsCompleted.ShouldBeFalse();
        connection.DisconnectReason.ShouldBe(DisconnectReason.None);

        client.StartReading();
        await Within(replay, "the replay to finish once the client reads");
        await WaitUntilAsync(() => client.Bytes.Length == frame.Length * 100, "every replayed byte");
        connection.PeakQueuedBytes.ShouldBeLessThanOrEqualTo(options.MaxQueuedBytes + frame.Length);
        connection.DisconnectReason.ShouldBe(DisconnectReason.None);

        connection.Disconnect(DisconnectReason.ClientGone);
        await Within(pump, "the pump to end");
    }

    [Fact]
    public async Task A_replay_frame_larger_than_the_byte_bound_still_goes_out_alone()
    {
        var big = Event(1, size: 10_000).Frame;
        var connection = Open(CreateHub(new RealtimeOptions { MaxQueuedBytes = 4096 }));

        await connection.EnqueueWhenRoomAsync(big, Token).AsTask().WaitAsync(Deadline, Token);

        connection.QueuedBytes.ShouldBe(big.Length);
        connection.PeakQueuedBytes.ShouldBe(big.Length);
    }

    [Fact]
    public async Task Close_writes_the_final_frame_after_everything_queued_and_ends_the_pump()
    {
        var connection = Open(CreateHub(new RealtimeOptions()));
        var client = StreamClient.ReadingFromStart();
        var pump = connection.StartWriting(client.Output);
        connection.GoLive();
        connection.Offer(Event(1));

        connection.Close(SseFrame.Retry(TimeSpan.FromSeconds(3)));

        await Within(pump, "the pump to end after the final frame");
        await client.Output.CompleteAsync();
        await Within(client.Reading, "the client to read to the end");
        client.Events.Select(e => e.LastEventId).ShouldBe([IdOf(1)]);
        client.ReconnectionTimeMilliseconds.ShouldBe(3000);
        Encoding.UTF8.GetString(client.Bytes).ShouldEndWith("retry: 3000\n\n");
        connection.DisconnectReason.ShouldBe(DisconnectReason.Shutdown);
        connection.TryEnqueue(Event(2).Frame, isEvent: true).ShouldBeFalse();
    }

    [Fact]
    public async Task A_client_going_away_ends_the_pump_as_ClientGone()
    {
        using var requestAborted = new CancellationTokenSource();
        var connection = OpenUntil(CreateHub(new RealtimeOptions()), "192.0.2.1", requestAborted.Token);
        var client = StreamClient.Stalled(pauseAtBytes: 1024);
        var pump = connection.StartWriting(client.Output);
        connection.GoLive();
        connection.Offer(Event(1, size: 4000));

        await requestAborted.CancelAsync();

        await Within(pump, "the pump to end");
        connection.DisconnectReason.ShouldBe(DisconnectReason.ClientGone);
        connection.Aborted.IsCancellationRequested.ShouldBeTrue();
        connection.TryEnqueue(Event(2).Frame, isEvent: true).ShouldBeFalse();
    }

    [Fact]
    public async Task A_client_that_stops_reading_the_stream_ends_the_connection_as_ClientGone()
    {
        var connection = Open(CreateHub(new RealtimeOptions()));
        var client = StreamClient.ReadingFromStart();
        var pump = connection.StartWriting(client.Output);
        connection.GoLive();
        connection.Offer(Event(1));
        await WaitUntilAsync(() => client.Events.Count == 1, "the first event");

        client.Leave();
        await Within(client.Reading, "the client to stop reading");
        connection.Offer(Event(2));

        await Within(pump, "the pump to end once the stream is completed");
        connection.DisconnectReason.ShouldBe(DisconnectReason.ClientGone);
        connection.TryEnqueue(Event(3).Frame, isEvent: true).ShouldBeFalse();
    }

    [Fact]
    public async Task Late_offers_to_a_stream_that_ended_and_was_removed_are_ignored()
    {
        // A broadcast that picked the connection just before its catch-up removed it from the hub.
        var hub = CreateHub(new RealtimeOptions { MaxQueuedEvents = 2 });
        var connection = Open(hub);
        var client = StreamClient.ReadingFromStart();
        var pump = connection.StartWriting(client.Output);
        connection.GoLive();
        client.Leave();

        // Only once the client has stopped reading does the next flush find it gone.
        await Within(client.Reading, "the client to stop reading");
        connection.Offer(Event(1));
        await Within(pump, "the pump to end");
        hub.Remove(connection);

        Should.NotThrow(() =>
        {
            for (var n = 2; n < 10; n++)
            {
                connection.Offer(Event(n));
            }

            connection.Disconnect(DisconnectReason.SlowClient);
            connection.Close(SseFrame.Retry(TimeSpan.FromSeconds(1)));
        });
    }
}
