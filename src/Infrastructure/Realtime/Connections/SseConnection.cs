using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using CleanSse.Infrastructure.Realtime.EventLog;

namespace CleanSse.Infrastructure.Realtime.Connections;

/// <summary>
/// One open event stream: a bounded queue of encoded frames and the loop that writes them to the client.
/// Producers (the dispatcher, the heartbeat, a replay) never wait on the socket: they queue shared bytes, and a client
/// whose queue outgrows its bounds is disconnected. It comes back with Last-Event-ID and replays what it missed.
/// </summary>
public sealed class SseConnection : IDisposable
{
    private readonly Channel<OutboundFrame> _queue =
        Channel.CreateUnbounded<OutboundFrame>(new UnboundedChannelOptions { SingleReader = true });

    private readonly RealtimeOptions _options;
    private readonly RealtimeMetrics _metrics;
    private readonly CancellationTokenSource _abort;
    private readonly CancellationTokenRegistration _abortEndsQueue;
    private readonly SemaphoreSlim _spaceFreed = new(0, 1);
    private readonly Lock _gate = new();

    private long _queuedBytes;
    private int _queuedEvents;
    private long _peakQueuedBytes;
    private long _lastEnqueuedAt;
    private int _disconnectReason;

    // Hand-over from catch-up to live: until the connection is live, the dispatcher's events wait in _pending and
    // the replay decides what goes out; positions at or before _last were already queued and are skipped.
    private volatile bool _live;
    private EventPosition _last;
    private List<LoggedEvent>? _pending = [];

    public SseConnection(long id, string remoteAddress, RealtimeOptions options, RealtimeMetrics metrics, CancellationToken requestAborted)
    {
        Id = id;
        RemoteAddress = remoteAddress;
        _options = options;
        _metrics = metrics;
        _abort = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);

        // Whatever ends the stream also ends the pump's wait, through this one registration for the stream's life:
        // the pump then waits on its queue without a token, which costs no allocation and no registration per wake-up.
        _abortEndsQueue = _abort.Token.UnsafeRegister(static state => ((SseConnection)state!)._queue.Writer.TryComplete(), this);
        _lastEnqueuedAt = Environment.TickCount64;
    }

    public long Id { get; }

    public string RemoteAddress { get; }

    /// <summary>Cancelled when the client goes away or is disconnected for being too slow.</summary>
    public CancellationToken Aborted => _abort.Token;

    public DisconnectReason DisconnectReason => (DisconnectReason)Volatile.Read(ref _disconnectReason);

    public bool IsLive => _live;

    /// <summary>Bytes queued and not yet handed to the transport.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>The most bytes this connection ever had queued; never above the configured bound plus one frame.</summary>
    public long PeakQueuedBytes => Interlocked.Read(ref _peakQueuedBytes);

    public int QueuedEvents => Volatile.Read(ref _queuedEvents);

    public long LastEnqueuedAt => Interlocked.Read(ref _lastEnqueuedAt);

    /// <summary>Queues a frame if it fits the bounds; otherwise disconnects the client as too slow.</summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> frame, bool isEvent)
    {
        var events = isEvent ? Interlocked.Increment(ref _queuedEvents) : Volatile.Read(ref _queuedEvents);
        var bytes = Interlocked.Add(ref _queuedBytes, frame.Length);
        if (events > _options.MaxQueuedEvents || bytes > _options.MaxQueuedBytes)
        {
            Disconnect(DisconnectReason.SlowClient);
            return false;
        }

        return Write(new OutboundFrame(frame, isEvent), bytes);
    }

    /// <summary>Queues a frame of a replay, waiting for room rather than failing: the replay goes at the client's pace.</summary>
    public async ValueTask EnqueueWhenRoomAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        while (QueuedBytes > 0
            && (QueuedBytes + frame.Length > _options.MaxQueuedBytes || QueuedEvents >= _options.MaxQueuedEvents))
        {
            await _spaceFreed.WaitAsync(cancellationToken);
        }

        Interlocked.Increment(ref _queuedEvents);
        var bytes = Interlocked.Add(ref _queuedBytes, frame.Length);
        if (!Write(new OutboundFrame(frame, IsEvent: true), bytes))
        {
            throw new OperationCanceledException("The stream was closed during the replay.", cancellationToken);
        }
    }

    /// <summary>Records that everything up to <paramref name="position"/> has been queued by the catch-up.</summary>
    public void MarkQueuedThrough(EventPosition position)
    {
        lock (_gate)
        {
            _last = position;
        }
    }

    /// <summary>The dispatcher's entry point: called once per event, in log order, for every connection.</summary>
    public void Offer(LoggedEvent logged)
    {
        if (!_live)
        {
            lock (_gate)
            {
                if (_pending is not null)
                {
                    // Events the catch-up has already queued (or starts after) would be skipped at GoLive: they are not
                    // part of what this client is behind by, so they neither wait here nor count against the bound.
                    if (logged.Position <= _last)
                    {
                        return;
                    }

                    if (_pending.Count >= _options.MaxQueuedEvents)
                    {
                        _pending.RemoveAll(waiting => waiting.Position <= _last);
                    }

                    if (_pending.Count >= _options.MaxQueuedEvents)
                    {
                        Disconnect(DisconnectReason.SlowClient);
                        return;
                    }

                    _pending.Add(logged);
                    return;
                }
            }
        }

        // Live: only the dispatcher's thread reads and writes _last from here on.
        if (logged.Position <= _last)
        {
            return;
        }

        _last = logged.Position;
        TryEnqueue(logged.Frame, isEvent: true);
    }

    /// <summary>Ends the catch-up: queues what arrived live meanwhile and was not replayed, then takes live events directly.</summary>
    public void GoLive()
    {
        lock (_gate)
        {
            foreach (var logged in _pending ?? [])
            {
                if (logged.Position > _last)
                {
                    _last = logged.Position;
                    if (!TryEnqueue(logged.Frame, isEvent: true))
                    {
                        break;
                    }
                }
            }

            _pending = null;
            _live = true;
        }
    }

    /// <summary>Queues a last frame past the bounds and ends the stream once it is written (graceful shutdown).</summary>
    public void Close(ReadOnlyMemory<byte> finalFrame)
    {
        if (Interlocked.CompareExchange(ref _disconnectReason, (int)DisconnectReason.Shutdown, (int)DisconnectReason.None) != (int)DisconnectReason.None)
        {
            return;
        }

        Interlocked.Add(ref _queuedBytes, finalFrame.Length);
        _queue.Writer.TryWrite(new OutboundFrame(finalFrame, IsEvent: false));
        _queue.Writer.TryComplete();
        ReleaseWaiters();
    }

    /// <summary>Writes queued frames until the stream ends, coalescing whatever is queued into one flush.</summary>
    public async Task PumpAsync(PipeWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var reader = _queue.Reader;
        var token = _abort.Token;
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None) && !token.IsCancellationRequested)
            {
                var bytes = 0;
                var events = 0;
                var frames = 0;
                while (bytes < _options.MaxBytesPerFlush && reader.TryRead(out var frame))
                {
                    output.Write(frame.Bytes.Span);
                    bytes += frame.Bytes.Length;
                    frames++;
                    if (frame.IsEvent)
                    {
                        events++;
                    }
                }

                Interlocked.Add(ref _queuedBytes, -bytes);
                Interlocked.Add(ref _queuedEvents, -events);
                ReleaseWaiters();

                var result = await output.FlushAsync(token);
                _metrics.Delivered(events, bytes);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The client went away or was disconnected; the reason is already recorded.
        }
        finally
        {
            // However the writing ended (the request aborted, the transport completed, or an error), nothing more will be
            // written: record that the client is gone unless a reason already is, and let a replay waiting for room stop.
            Disconnect(DisconnectReason.ClientGone);
        }
    }

    public void Disconnect(DisconnectReason reason)
    {
        if (Interlocked.CompareExchange(ref _disconnectReason, (int)reason, (int)DisconnectReason.None) != (int)DisconnectReason.None)
        {
            return;
        }

        if (reason == DisconnectReason.SlowClient)
        {
            _metrics.SlowClientDisconnected();
        }

        _queue.Writer.TryComplete();
        ReleaseWaiters();

        // Callbacks of the token (the pump's pending flush among them) run on the pool, never on the broadcaster's thread.
        _ = _abort.CancelAsync();
    }

    public void Dispose()
    {
        _abortEndsQueue.Dispose();
        _abort.Dispose();
        _spaceFreed.Dispose();
    }

    private bool Write(OutboundFrame frame, long queuedBytes)
    {
        if (!_queue.Writer.TryWrite(frame))
        {
            return false;
        }

        Interlocked.Exchange(ref _lastEnqueuedAt, Environment.TickCount64);
        UpdatePeak(queuedBytes);
        return true;
    }

    private void UpdatePeak(long queuedBytes)
    {
        var peak = Interlocked.Read(ref _peakQueuedBytes);
        while (queuedBytes > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakQueuedBytes, queuedBytes, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }

    private void ReleaseWaiters()
    {
        try
        {
            if (_spaceFreed.CurrentCount == 0)
            {
                _spaceFreed.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another release won the race; one pending permit is all a waiting replay needs.
        }
        catch (ObjectDisposedException)
        {
            // The stream already ended.
        }
    }

    private readonly record struct OutboundFrame(ReadOnlyMemory<byte> Bytes, bool IsEvent);
}
