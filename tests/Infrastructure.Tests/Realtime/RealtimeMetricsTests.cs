using System.Diagnostics.Metrics;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static CleanSse.Infrastructure.Tests.Realtime.RealtimeTestKit;

namespace CleanSse.Infrastructure.Tests.Realtime;

/// <summary>The instruments move with what happens to the streams. Each test has its own meter, so tests running alongside do not count.</summary>
public sealed class RealtimeMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<(string Instrument, long Value, string? Reason)> _measurements = [];
    private readonly RealtimeMetrics _metrics;

    public RealtimeMetricsTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _metrics = new RealtimeMetrics(factory);
        var meter = factory.Create(RealtimeMetrics.MeterName);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    reason = tag.Value as string;
                }
            }

            lock (_gate)
            {
                _measurements.Add((instrument.Name, value, reason));
            }
        });
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Open_streams_go_up_on_admission_and_down_once_on_removal()
    {
        var hub = CreateHub(new RealtimeOptions(), _metrics);
        var first = Open(hub, "192.0.2.1");
        Open(hub, "192.0.2.2");

        hub.Remove(first);
        hub.Remove(first);

        Sum("cleansse.sse.open_streams").ShouldBe(1);
    }

    [Fact]
    public void Refusals_are_counted_with_their_reason()
    {
        var hub = CreateHub(new RealtimeOptions { MaxConnections = 2, MaxConnectionsPerAddress = 1 }, _metrics);
        Open(hub, "192.0.2.1");
        hub.TryOpen("192.0.2.1", StreamAudience.Staff, Token, out _).ShouldBe(ConnectionRefusal.TooManyFromAddress);
        Open(hub, "192.0.2.2");
        hub.TryOpen("192.0.2.3", StreamAudience.Staff, Token, out _).ShouldBe(ConnectionRefusal.ServerFull);

        Measured("cleansse.sse.refused_connections").Select(m => m.Reason).ShouldBe(["per-address", "server-full"]);
    }

    [Fact]
    public void A_slow_client_is_counted_once_however_many_frames_it_refuses()
    {
        var hub = CreateHub(new RealtimeOptions { MaxQueuedEvents = 2 }, _metrics);
        var connection = Open(hub);
        connection.GoLive();

        for (var n = 1; n <= 10; n++)
        {
            connection.Offer(Event(n));
        }

        connection.DisconnectReason.ShouldBe(DisconnectReason.SlowClient);
        Sum("cleansse.sse.slow_client_disconnects").ShouldBe(1);
    }

    [Fact]
    public async Task Delivered_events_and_bytes_count_what_was_written()
    {
        var options = new RealtimeOptions();
        var hub = CreateHub(options, _metrics);
        var connection = Open(hub);
        var client = StreamClient.ReadingFromStart();
        var pump = connection.StartWriting(client.Output);
        connection.GoLive();
        var events = Enumerable.Range(1, 5).Select(n => Event(n)).ToList();
        foreach (var logged in events)
        {
            connection.Offer(logged);
        }

        hub.SendHeartbeats(long.MaxValue);
        await WaitUntilAsync(() => Sum("cleansse.sse.written") == client.Bytes.Length && client.CommentCount == 1, "the writes to be counted");
        hub.CloseAll();
        await Within(pump, "the pump to end");
        await client.Output.CompleteAsync();
        await Within(client.Reading, "the client to read to the end");

        Sum("cleansse.sse.events_delivered").ShouldBe(5);
        Sum("cleansse.sse.written").ShouldBe(client.Bytes.Length);
    }

    private List<(string Instrument, long Value, string? Reason)> Measured(string instrument)
    {
        lock (_gate)
        {
            return [.. _measurements.Where(m => m.Instrument == instrument)];
        }
    }

    private long Sum(string instrument) => Measured(instrument).Sum(m => m.Value);
}
