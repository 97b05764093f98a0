using System.Diagnostics.Metrics;

namespace CleanSse.Infrastructure.Realtime;

/// <summary>
/// The realtime layer's instruments, on the <c>CleanSse.Realtime</c> meter. Public for its meter's name, which the
/// composition root exports; only the realtime core records on it.
/// </summary>
public sealed class RealtimeMetrics
{
    public const string MeterName = "CleanSse.Realtime";

    private readonly UpDownCounter<long> _openStreams;
    private readonly Counter<long> _eventsPublished;
    private readonly Counter<long> _eventsDelivered;
    private readonly Counter<long> _bytesWritten;
    private readonly Counter<long> _replays;
    private readonly Counter<long> _replayedEvents;
    private readonly Counter<long> _resets;
    private readonly Counter<long> _slowClientDisconnects;
    private readonly Counter<long> _refusedConnections;
    private readonly Counter<long> _publishFailures;

    public RealtimeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _openStreams = meter.CreateUpDownCounter<long>("cleansse.sse.open_streams", "{stream}", "Event streams open now.");
        _eventsPublished = meter.CreateCounter<long>("cleansse.sse.events_published", "{event}", "Events appended to the event log.");
        _eventsDelivered = meter.CreateCounter<long>("cleansse.sse.events_delivered", "{event}", "Events written to client streams.");
        _bytesWritten = meter.CreateCounter<long>("cleansse.sse.written", "By", "Bytes written to client streams.");
        _replays = meter.CreateCounter<long>("cleansse.sse.replays", "{stream}", "Streams that resumed from a Last-Event-ID.");
        _replayedEvents = meter.CreateCounter<long>("cleansse.sse.replayed_events", "{event}", "Events sent again to resuming clients.");
        _resets = meter.CreateCounter<long>("cleansse.sse.resets", "{stream}", "Streams told to reload because their gap could not be replayed.");
        _slowClientDisconnects = meter.CreateCounter<long>("cleansse.sse.slow_client_disconnects", "{stream}", "Streams ended because the client could not keep up.");
        _refusedConnections = meter.CreateCounter<long>("cleansse.sse.refused_connections", "{stream}", "Streams refused by the connection limits.");
        _publishFailures = meter.CreateCounter<long>("cleansse.sse.publish_failures", "{event}", "Events that could not be appended to the event log.");
    }

    internal void StreamOpened() => _openStreams.Add(1);

    internal void StreamClosed() => _openStreams.Add(-1);

    internal void EventPublished() => _eventsPublished.Add(1);

    internal void PublishFailed() => _publishFailures.Add(1);

    internal void Delivered(int events, int bytes)
    {
        if (events > 0)
        {
            _eventsDelivered.Add(events);
        }

        _bytesWritten.Add(bytes);
    }

    internal void ReplayStarted() => _replays.Add(1);

    internal void EventReplayed() => _replayedEvents.Add(1);

    internal void ResetSent() => _resets.Add(1);

    internal void SlowClientDisconnected() => _slowClientDisconnects.Add(1);

    internal void ConnectionRefused(string reason) =>
        _refusedConnections.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
