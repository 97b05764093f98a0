using System.Threading.Channels;
using CleanSse.Client.Orders;
using CleanSse.TestKit;

namespace CleanSse.Client.IntegrationTests;

/// <summary>
/// The client against the real service, through a proxy that cuts the connection: what the service's resume promises
/// (every event after <c>Last-Event-ID</c>, in order, no duplicate, no gap) holds end to end with the client's own
/// reconnects.
/// </summary>
public sealed class ReconnectThroughCutTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task After_a_cut_the_client_resumes_with_the_last_event_id_and_gets_every_order_created_meanwhile_once_in_order()
    {
        await using var service = await ServiceHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        // The deadline bounds the scenario, not the service's start (migrations included), which a busy machine slows.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Deadline);
        var ct = deadline.Token;
        File.Exists(service.DatabasePath).ShouldBeTrue("the service stores its orders in the test's own SQLite file");
        await using var proxy = CuttingProxy.Start(service);
        var reconnects = Channel.CreateUnbounded<SseReconnecting>();
        using var http = service.Clients.Create(SseClient.CreateHandler(), Timeout.InfiniteTimeSpan);
        using var client = new SseClient(http, new Uri(proxy.BaseAddress, "/api/events"), new SseClientOptions
        {
            RetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(100),
            Jitter = () => 1,
            OnReconnecting = reconnecting => reconnects.Writer.TryWrite(reconnecting),
        });
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var events = Channel.CreateUnbounded<OrderStreamEvent>();
        var reading = ReadIntoAsync(client, events.Writer, stopReading.Token);
        var received = new List<OrderStreamEvent>();

        // Connected through the proxy, then a few live orders.
        received.Add(await events.Reader.ReadAsync(ct));
        received[^1].ShouldBeOfType<StreamConnected>();
        var first = await proxy.ForwardedRequestHeads.ReadAsync(ct);
        first.ShouldStartWith("GET /api/events ");
        CuttingProxy.Header(first, SseClient.LastEventIdHeader).ShouldBeNull();
        List<ApiOrder> before = [];
        for (var i = 1; i <= 3; i++)
        {
            before.Add(await service.Orders.CreateAsync($"before-{i}", cancellationToken: ct));
        }

        await ReadUntilOrderAsync(events.Reader, received, before[^1].Id, ct);
        var lastIdBeforeCut = received[^1].LastEventId;
        lastIdBeforeCut.ShouldNotBeNullOrEmpty();

        // The cut: the client sees its stream break, and its next attempt is refused.
        proxy.CutAndRefuse().ShouldBe(1);
        var broken = await reconnects.Reader.ReadAsync(ct);
        broken.Error.ShouldNotBeNull();
        var refused = await reconnects.Reader.ReadAsync(ct);
        refused.FailedAttempts.ShouldBe(1);
        proxy.RefusedConnections.ShouldBeGreaterThanOrEqualTo(1);

        // Orders created while the client is away, directly on the service.
        List<ApiOrder> meanwhile = [];
        for (var i = 1; i <= 4; i++)
        {
            meanwhile.Add(await service.Orders.CreateAsync($"meanwhile-{i}", cancellationToken: ct));
        }

        // The reconnect that gets through asks to resume after the last event seen before the cut.
        proxy.Resume();
        var resumed = await proxy.ForwardedRequestHeads.ReadAsync(ct);
        resumed.ShouldStartWith("GET /api/events ");
        CuttingProxy.Header(resumed, SseClient.LastEventIdHeader).ShouldBe(lastIdBeforeCut);
        await ReadUntilOrderAsync(events.Reader, received, meanwhile[^1].Id, ct);

        // A live order after the replay still arrives, right after it.
        var after = await service.Orders.CreateAsync("after", cancellationToken: ct);
        await ReadUntilOrderAsync(events.Reader, received, after.Id, ct);
        await stopReading.CancelAsync();
        await reading;

        // Every order exactly once, in creation order; one greeting per connection and no reset.
        received.OfType<OrderCreated>().Select(e => e.Order.Id)
            .ShouldBe([.. before.Select(o => o.Id), .. meanwhile.Select(o => o.Id), after.Id]);
        received.Select(e => e.GetType().Name).ShouldBe(
        [
            nameof(StreamConnected), nameof(OrderCreated), nameof(OrderCreated), nameof(OrderCreated),
            nameof(StreamConnected), nameof(OrderCreated), nameof(OrderCreated), nameof(OrderCreated), nameof(OrderCreated),
            nameof(OrderCreated),
        ]);
        received.OfType<OrderCreated>().Select(e => e.LastEventId).ShouldBeUnique();
        proxy.ForwardedRequestHeads.TryRead(out var extra).ShouldBeFalse($"only two connections were forwarded, also: {extra}");
    }

    /// <summary>Reads events into <paramref name="received"/> until the <c>new-order</c> of the given order.</summary>
    private static async Task ReadUntilOrderAsync(
        ChannelReader<OrderStreamEvent> events, List<OrderStreamEvent> received, string orderId, CancellationToken ct)
    {
        while (true)
        {
            var next = await events.ReadAsync(ct);
            received.Add(next);
            if (next is OrderCreated created && created.Order.Id == orderId)
            {
                return;
            }
        }
    }

    /// <summary>Reads the client's typed events into a channel until stopped; a failure of the stream completes it with the error.</summary>
    private static async Task ReadIntoAsync(SseClient client, ChannelWriter<OrderStreamEvent> events, CancellationToken ct)
    {
        try
        {
            await foreach (var orderEvent in client.ReadOrderEventsAsync(ct))
            {
                await events.WriteAsync(orderEvent, ct);
            }

            events.TryComplete();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            events.TryComplete();
        }
        catch (Exception exception)
        {
            events.TryComplete(exception);
        }
    }
}
