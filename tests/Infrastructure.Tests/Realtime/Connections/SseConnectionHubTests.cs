using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;
using static CleanSse.Infrastructure.Tests.Realtime.RealtimeTestKit;

namespace CleanSse.Infrastructure.Tests.Realtime.Connections;

public sealed class SseConnectionHubTests
{
    [Fact]
    public async Task Broadcast_sends_every_live_connection_the_same_bytes_in_order()
    {
        var hub = CreateHub(new RealtimeOptions { MaxBytesPerFlush = 1024 });
        var clients = new List<StreamClient>();
        var pumps = new List<Task>();
        for (var i = 0; i < 4; i++)
        {
            var connection = Open(hub, $"192.0.2.{i}");
            var client = StreamClient.ReadingFromStart();
            pumps.Add(connection.StartWriting(client.Output));
            connection.GoLive();
            clients.Add(client);
        }

        var sent = Enumerable.Range(1, 300).Select(n => Event(n, size: n % 11 * 30)).ToList();
        foreach (var logged in sent)
        {
            hub.Broadcast(logged);
        }

        var expected = sent.SelectMany(e => e.Frame.ToArray()).ToArray();
        foreach (var client in clients)
        {
            await WaitUntilAsync(() => client.Bytes.Length >= expected.Length, "every frame on every client");
            client.Bytes.ShouldBe(expected);
            client.Events.Select(e => e.LastEventId).ShouldBeSequence(sent.Select(e => e.Id));
        }

        hub.CloseAll();
        await Within(Task.WhenAll(pumps), "every pump to end");
    }

    [Fact]
    public async Task A_stalled_client_is_disconnected_as_slow_while_the_others_keep_receiving()
    {
        var options = new RealtimeOptions { MaxQueuedEvents = 64, MaxQueuedBytes = 8192, MaxBytesPerFlush = 1024 };
        var hub = CreateHub(options);
        var healthy = new List<(SseConnection Connection, StreamClient Client, Task Pump)>();
        for (var i = 0; i < 3; i++)
        {
            var connection = Open(hub, $"192.0.2.{i}");
            var client = StreamClient.ReadingFromStart();
            healthy.Add((connection, client, connection.StartWriting(client.Output)));
            connection.GoLive();
        }

        var stalled = Open(hub, "198.51.100.7");
        var stalledClient = StreamClient.Stalled(pauseAtBytes: 1024);
        var stalledPump = stalled.StartWriting(stalledClient.Output);
        stalled.GoLive();

        var sent = Enumerable.Range(1, 2000).Select(n => Event(n, size: 200)).ToList();
        foreach (var logged in sent)
        {
            hub.Broadcast(logged);

            // The healthy clients keep up; the producer is never held up by the stalled one.
            if (logged.Position.Major % 32 == 0)
            {
                await WaitForHealthyClientsAsync(healthy.Select(h => h.Client), logged.Position.Major);
            }
        }

        await WaitForHealthyClientsAsync(healthy.Select(h => h.Client), sent.Count);

        stalled.DisconnectReason.ShouldBe(DisconnectReason.SlowClient);
        stalled.PeakQueuedBytes.ShouldBeLessThanOrEqualTo(options.MaxQueuedBytes + sent[0].Frame.Length);
        await Within(stalledPump, "the stalled client's pump to end");

        foreach (var (connection, client, _) in healthy)
        {
            client.Events.Select(e => e.LastEventId).ShouldBeSequence(sent.Select(e => e.Id));
            connection.DisconnectReason.ShouldBe(DisconnectReason.None);
            connection.PeakQueuedBytes.ShouldBeLessThanOrEqualTo(options.MaxQueuedBytes + sent[0].Frame.Length);
        }

        hub.CloseAll();
        await Within(Task.WhenAll(healthy.Select(h => h.Pump)), "every pump to end");
    }

    [Fact]
    public void Past_MaxConnections_a_stream_is_refused_as_ServerFull()
    {
        var hub = CreateHub(new RealtimeOptions { MaxConnections = 3, MaxConnectionsPerAddress = 10 });
        var open = Enumerable.Range(0, 3).Select(i => Open(hub, $"192.0.2.{i}")).ToList();

        hub.TryOpen("192.0.2.99", StreamAudience.Staff, Token, out var refused).ShouldBe(ConnectionRefusal.ServerFull);
        refused.ShouldBeNull();
        hub.Count.ShouldBe(3);

        hub.Remove(open[1]);
        Open(hub, "192.0.2.99");
        hub.Count.ShouldBe(3);
    }

    [Fact]
    public void Past_MaxConnectionsPerAddress_a_stream_from_that_address_is_refused()
    {
        var hub = CreateHub(new RealtimeOptions { MaxConnections = 100, MaxConnectionsPerAddress = 2 });
        var first = Open(hub, "192.0.2.1");
        Open(hub, "192.0.2.1");

        hub.TryOpen("192.0.2.1", StreamAudience.Staff, Token, out var refused).ShouldBe(ConnectionRefusal.TooManyFromAddress);
        refused.ShouldBeNull();
        Open(hub, "192.0.2.2");

        hub.Remove(first);
        Open(hub, "192.0.2.1");
        hub.TryOpen("192.0.2.1", StreamAudience.Staff, Token, out _).ShouldBe(ConnectionRefusal.TooManyFromAddress);
    }

    [Fact]
    public void Streams_from_one_address_share_one_copy_of_it_and_the_last_one_out_lets_it_go()
    {
        var hub = CreateHub(new RealtimeOptions { MaxConnectionsPerAddress = 10 });
        var first = Open(hub, new string("192.0.2.1".AsSpan()));
        var second = Open(hub, new string("192.0.2.1".AsSpan()));
        var other = Open(hub, "192.0.2.2");

        second.RemoteAddress.ShouldBeSameAs(first.RemoteAddress);
        other.RemoteAddress.ShouldBe("192.0.2.2");

        hub.Remove(first);
        hub.Remove(second);
        var later = Open(hub, new string("192.0.2.1".AsSpan()));
        later.RemoteAddress.ShouldBe("192.0.2.1");
        later.RemoteAddress.ShouldNotBeSameAs(first.RemoteAddress);
    }

    [Fact]
    public void Removing_a_stream_twice_releases_its_address_once()
    {
        var hub = CreateHub(new RealtimeOptions { MaxConnectionsPerAddress = 2 });
        var first = Open(hub, "192.0.2.1");
        Open(hub, "192.0.2.1");

        hub.Remove(first);
        hub.Remove(first);

        Open(hub, "192.0.2.1");
        hub.TryOpen("192.0.2.1", StreamAudience.Staff, Token, out _).ShouldBe(ConnectionRefusal.TooManyFromAddress);
        hub.Count.ShouldBe(2);
    }

    [Fact]
    public void Removing_every_stream_of_an_address_lets_it_open_the_full_allowance_again()
    {
        var hub = CreateHub(new RealtimeOptions { MaxConnectionsPerAddress = 3 });
        for (var round = 0; round < 3; round++)
        {
            var open = Enumerable.Range(0, 3).Select(_ => Open(hub, "192.0.2.1")).ToList();
            hub.TryOpen("192.0.2.1", StreamAudience.Staff, Token, out _).ShouldBe(ConnectionRefusal.TooManyFromAddress);
            foreach (var connection in open)
            {
                hub.Remove(connection);
            }

            hub.Count.ShouldBe(0);
        }
    }

    [Fact]
    public async Task Heartbeats_go_only_to_live_streams_idle_since_the_given_time()
    {
        var hub = CreateHub(new RealtimeOptions());
        var idle = Open(hub, "192.0.2.1");
        var busy = Open(hub, "192.0.2.2");
        var catchingUp = Open(hub, "192.0.2.3");
        idle.GoLive();
        busy.GoLive();

        var idleSince = Math.Max(idle.LastEnqueuedAt, catchingUp.LastEnqueuedAt);
        await WaitUntilAsync(() => Environment.TickCount64 > idleSince, "the clock to move on");
        busy.Offer(Event(1));
        catchingUp.Offer(Event(1));
        busy.LastEnqueuedAt.ShouldBeGreaterThan(idleSince);
        catchingUp.QueuedEvents.ShouldBe(0, "a stream catching up holds live events back");

        hub.SendHeartbeats(idleSince).ShouldBe(1);

        idle.QueuedEvents.ShouldBe(0);
        idle.QueuedBytes.ShouldBe(":heartbeat\n\n".Length);
        busy.QueuedBytes.ShouldBe(Event(1).Frame.Length);
        catchingUp.QueuedBytes.ShouldBe(0);

        hub.SendHeartbeats(long.MaxValue).ShouldBe(2, "every live stream when all count as idle");
        catchingUp.QueuedBytes.ShouldBe(0);
    }

    [Fact]
    public async Task A_heartbeat_reaches_the_client_as_a_comment_and_dispatches_nothing()
    {
        var hub = CreateHub(new RealtimeOptions());
        var connection = Open(hub);
        var client = StreamClient.ReadingFromStart();
        var pump = connection.StartWriting(client.Output);
        connection.GoLive();

        hub.SendHeartbeats(long.MaxValue).ShouldBe(1);

        await WaitUntilAsync(() => client.CommentCount == 1, "the heartbeat comment");
        client.Events.ShouldBeEmpty();
        hub.CloseAll();
        await Within(pump, "the pump to end");
    }

    [Fact]
    public async Task CloseAll_ends_every_stream_with_a_retry_hint_and_refuses_new_ones()
    {
        var hub = CreateHub(new RealtimeOptions { ShutdownRetry = TimeSpan.FromMilliseconds(2500) });
        var streams = new List<(SseConnection Connection, StreamClient Client, Task Pump)>();
        for (var i = 0; i < 3; i++)
        {
            var connection = Open(hub, $"192.0.2.{i}");
            var client = StreamClient.ReadingFromStart();
            streams.Add((connection, client, connection.StartWriting(client.Output)));
            if (i != 2)
            {
                connection.GoLive();
            }
        }

        hub.Broadcast(Event(1));
        hub.CloseAll();

        foreach (var (connection, client, pump) in streams)
        {
            await Within(pump, "every pump to end after the retry hint");
            connection.DisconnectReason.ShouldBe(DisconnectReason.Shutdown);
            await WaitUntilAsync(() => client.ReconnectionTimeMilliseconds == 2500, "the retry hint");
        }

        streams[0].Client.Events.Select(e => e.LastEventId).ShouldBe([IdOf(1)]);
        hub.TryOpen("192.0.2.50", StreamAudience.Staff, Token, out var refused).ShouldBe(ConnectionRefusal.ShuttingDown);
        refused.ShouldBeNull();
    }

    [Fact]
    public async Task Streams_of_every_audience_are_counted_kept_alive_and_closed()
    {
        // The hub keeps streams only in its audience indexes: each audience, even one that sees nothing, must still be
        // counted, reached by heartbeats and closed on shutdown.
        var hub = CreateHub(new RealtimeOptions());
        StreamAudience[] audiences =
        [
            StreamAudience.Staff,
            StreamAudience.Customer("alice"),
            StreamAudience.Customer("alice"),
            StreamAudience.Customer("bob"),
            default,
        ];
        var streams = new List<(SseConnection Connection, StreamClient Client, Task Pump)>();
        foreach (var audience in audiences)
        {
            var connection = OpenFor(hub, audience, $"192.0.2.{streams.Count}");
            var client = StreamClient.ReadingFromStart();
            streams.Add((connection, client, connection.StartWriting(client.Output)));
            connection.GoLive();
        }

        hub.Count.ShouldBe(5);
        hub.CustomerCount.ShouldBe(2);
        hub.Connections.Select(connection => connection.Id).Order().ShouldBe(streams.Select(stream => stream.Connection.Id));
        hub.Broadcast(Event(1, ownerId: string.Empty)).ShouldBe(1, "an event with an empty owner reaches staff only");
        hub.SendHeartbeats(long.MaxValue).ShouldBe(5, "every live stream, of whatever audience");

        hub.CloseAll();

        foreach (var (connection, _, pump) in streams)
        {
            await Within(pump, "every stream to end on shutdown");
            connection.DisconnectReason.ShouldBe(DisconnectReason.Shutdown);
        }

        hub.Count.ShouldBe(0);
        hub.CustomerCount.ShouldBe(0);
        hub.Connections.ShouldBeEmpty();
    }

    private static async Task WaitForHealthyClientsAsync(IEnumerable<StreamClient> clients, long count)
    {
        foreach (var client in clients)
        {
            await WaitUntilAsync(() => client.Events.Count >= count, () => $"a healthy client to get {count} events, it has {client.Events.Count}");
        }
    }
}
