using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using CleanSse.Infrastructure.Realtime.EventLog;

namespace CleanSse.Infrastructure.Realtime.Connections;

/// <summary>
/// One open event stream: a bounded queue of encoded frames, written to the client by the hub's writer pool.
/// Producers (the dispatcher, the heartbeat, a replay) never wait on the socket: they queue shared bytes, and a client
/// whose queue outgrows its bounds is disconnected. It comes back with Last-Event-ID and replays what it missed.
/// </summary>
public sealed class SseConnection : IDisposable
{
    private const int Idle = 0;
    private const int Scheduled = 1;
    private const int Flushing = 2;
    private const int Done = 3;
    private const int Unstarted = 4;

    private readonly RealtimeOptions _options;
    private readonly RealtimeMetrics _metrics;
    private readonly SseWriterPool _writers;
    private readonly CancellationTokenRegistration _requestAbortedRegistration;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guards the queue, its counters and the catch-up hand-over; never held while anything is written.
    private readonly Lock _gate = new();
    private OutboundFrame[] _frames = [];
    private int _head;
    private int _count;
    private long _queuedBytes;
    private int _queuedEvents;
    private long _peakQueuedBytes;
    private SemaphoreSlim? _spaceFreed;

    private long _lastEnqueuedAt;
    private int _disconnectReason;

    // Who may write: producers schedule an idle stream; only the writer that holds it (Scheduled or Flushing) writes.
    private int _writeState = Unstarted;
    private PipeWriter? _output;
    private ConfiguredValueTaskAwaitable<FlushResult>.ConfiguredValueTaskAwaiter _pendingFlush;
    private Action? _onFlushCompleted;

    // Hand-over from catch-up to live: until the connection is live, the dispatcher's events wait in _pending and
    // the replay decides what goes out; positions at or before _last were already queued and are skipped.
    private volatile bool _live;
    private EventPosition _last;
    private List<LoggedEvent>? _pending;

    public SseConnection(long id, string remoteAddress, RealtimeOptions options, RealtimeMetrics metrics, SseWriterPool writers, CancellationToken requestAborted)
    {
        Id = id;
        RemoteAddress = remoteAddress;
        _options = options;
        _metrics = metrics;
        _writers = writers;
        Aborted = requestAborted;
        _requestAbortedRegistration = requestAborted.UnsafeRegister(static state => ((SseConnection)state!).Disconnect(DisconnectReason.ClientGone), this);
        _lastEnqueuedAt = Environment.TickCount64;
    }

    public long Id { get; }

    public string RemoteAddress { get; }

    /// <summary>Cancelled when the client's request is aborted; a disconnect by the service shows in <see cref="DisconnectReason"/>.</summary>
    public CancellationToken Aborted { get; }

    public DisconnectReason DisconnectReason => (DisconnectReason)Volatile.Read(ref _disconnectReason);

    public bool IsDisconnected => DisconnectReason != DisconnectReason.None;

    public bool IsLive => _live;

    /// <summary>Bytes queued and not yet handed to the transport.</summary>
    public long QueuedBytes => Volatile.Read(ref _queuedBytes);

    /// <summary>The most bytes this connection ever had queued; never above the configured bound.</summary>
    public long PeakQueuedBytes => Volatile.Read(ref _peakQueuedBytes);

    public int QueuedEvents => Volatile.Read(ref _queuedEvents);

    public long LastEnqueuedAt => Interlocked.Read(ref _lastEnqueuedAt);

    /// <summary>Queues a frame if it fits the bounds; otherwise disconnects the client as too slow.</summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> frame, bool isEvent)
    {
        bool fits;
        lock (_gate)
        {
            if (IsDisconnected)
            {
                return false;
            }

            fits = (!isEvent || _queuedEvents < _options.MaxQueuedEvents) && _queuedBytes + frame.Length <= _options.MaxQueuedBytes;
            if (fits)
            {
                Push(new OutboundFrame(frame, isEvent));
            }
        }

        if (!fits)
        {
            Disconnect(DisconnectReason.SlowClient);
            return false;
        }

        ScheduleIfIdle();
        return true;
    }

    /// <summary>Queues a frame of a replay, waiting for room rather than failing: the replay goes at the client's pace.</summary>
    public async ValueTask EnqueueWhenRoomAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        while (true)
        {
            SemaphoreSlim spaceFreed;
            lock (_gate)
            {
                if (IsDisconnected)
                {
                    throw new OperationCanceledException("The stream was closed during the replay.", cancellationToken);
                }

                if (_queuedBytes == 0
                    || (_queuedBytes + frame.Length <= _options.MaxQueuedBytes && _queuedEvents < _options.MaxQueuedEvents))
                {
                    Push(new OutboundFrame(frame, IsEvent: true));
                    break;
                }

                // Only a replay ever waits for room, so only a stream that replays pays for the semaphore.
                spaceFreed = _spaceFreed ??= new SemaphoreSlim(0, 1);
            }

            await spaceFreed.WaitAsync(cancellationToken);
        }

        ScheduleIfIdle();
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
                if (!_live)
                {
                    // Events the catch-up has already queued (or starts after) would be skipped at GoLive: they are not
                    // part of what this client is behind by, so they neither wait here nor count against the bound.
                    if (logged.Position <= _last)
                    {
                        return;
                    }

                    // Made only for a stream that is offered events while it catches up.
                    var pending = _pending ??= [];
                    if (pending.Count >= _options.MaxQueuedEvents)
                    {
                        pending.RemoveAll(waiting => waiting.Position <= _last);
                    }

                    if (pending.Count < _options.MaxQueuedEvents)
                    {
                        pending.Add(logged);
                        return;
                    }
                }
            }

            if (!_live)
            {
                Disconnect(DisconnectReason.SlowClient);
                return;
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
        lock (_gate)
        {
            if (Interlocked.CompareExchange(ref _disconnectReason, (int)DisconnectReason.Shutdown, (int)DisconnectReason.None) != (int)DisconnectReason.None)
            {
                return;
            }

            Push(new OutboundFrame(finalFrame, IsEvent: false));
        }

        ReleaseWaiters();
        ScheduleIfIdle();
    }

    /// <summary>
    /// Starts writing queued frames to <paramref name="output"/>, coalescing whatever is queued into one flush; the task
    /// ends once nothing more will be written, whatever the reason.
    /// </summary>
    public Task PumpAsync(PipeWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Interlocked.CompareExchange(ref _output, output, null) is not null)
        {
            throw new InvalidOperationException("The stream is already being written.");
        }

        Release();
        return _ended.Task;
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

        ReleaseWaiters();
        if (Interlocked.CompareExchange(ref _writeState, Done, Idle) == Idle)
        {
            End();
        }
        else if (Volatile.Read(ref _writeState) == Flushing)
        {
            // The flush waits on a client that is not reading; its completion ends the stream.
            _output?.CancelPendingFlush();
        }
    }

    public void Dispose()
    {
        _requestAbortedRegistration.Dispose();
        _spaceFreed?.Dispose();
    }

    /// <summary>Called by a writer of the pool that holds this stream: one flush of what is queued, or the stream's end.</summary>
    internal void WriteQueued()
    {
        var output = _output!;
        var bytes = 0;
        var events = 0;
        try
        {
            if (DisconnectReason is DisconnectReason.ClientGone or DisconnectReason.SlowClient)
            {
                Finish();
                return;
            }

            if (!TryTake(out var frame))
            {
                Release();
                return;
            }

            ValueTask<FlushResult> written;
            if (!HasQueued)
            {
                // The usual case, one frame: the transport frames and flushes it in one call (and the first one carries
                // the response headers with it), with no buffer borrowed in between.
                bytes = frame.Bytes.Length;
                events = frame.IsEvent ? 1 : 0;
                written = output.WriteAsync(frame.Bytes);
            }
            else
            {
                do
                {
                    output.Write(frame.Bytes.Span);
                    bytes += frame.Bytes.Length;
                    events += frame.IsEvent ? 1 : 0;
                }
                while (bytes < _options.MaxBytesPerFlush && TryTake(out frame));

                written = output.FlushAsync();
            }

            ReleaseWaiters();

            // Consumed exactly once: at once when it completed, otherwise by the continuation registered below.
#pragma warning disable CA2012
            var flush = written.ConfigureAwait(false).GetAwaiter();
#pragma warning restore CA2012
            if (!flush.IsCompleted)
            {
                _metrics.Delivered(events, bytes);
                _pendingFlush = flush;
                Interlocked.Exchange(ref _writeState, Flushing);
                flush.UnsafeOnCompleted(_onFlushCompleted ??= OnFlushCompleted);

                // A disconnect that came while this stream was still marked Scheduled left the cancel to this writer.
                if (DisconnectReason is DisconnectReason.ClientGone or DisconnectReason.SlowClient)
                {
                    output.CancelPendingFlush();
                }

                return;
            }

            _metrics.Delivered(events, bytes);
            Flushed(flush.GetResult());
        }
#pragma warning disable CA1031 // One stream's failure must never stop the writer that all streams share.
        catch (Exception)
#pragma warning restore CA1031
        {
            // The response is gone under us (the client left, or the request ended): nothing more can be written.
            Disconnect(DisconnectReason.ClientGone);
            Finish();
        }
    }

    private void OnFlushCompleted()
    {
        try
        {
            var result = _pendingFlush.GetResult();
            _pendingFlush = default;
            Volatile.Write(ref _writeState, Scheduled);
            Flushed(result);
        }
#pragma warning disable CA1031 // As in WriteQueued: the continuation runs on a shared thread.
        catch (Exception)
#pragma warning restore CA1031
        {
            Disconnect(DisconnectReason.ClientGone);
            Finish();
        }
    }

    private void Flushed(FlushResult result)
    {
        if (result.IsCompleted || result.IsCanceled)
        {
            // The client is gone (completed), or the service let it go while the flush waited (cancelled).
            Disconnect(DisconnectReason.ClientGone);
            Finish();
        }
        else if (HasQueued)
        {
            // More arrived meanwhile: back of the line, so one busy stream never starves the others.
            _writers.Schedule(this);
        }
        else
        {
            Release();
        }
    }

    /// <summary>Gives up the right to write; a stream that has more queued, or has ended, is dealt with at once.</summary>
    private void Release()
    {
        Volatile.Write(ref _writeState, Idle);
        Interlocked.MemoryBarrier();
        var reason = DisconnectReason;
        var ended = reason is DisconnectReason.ClientGone or DisconnectReason.SlowClient
            || (reason == DisconnectReason.Shutdown && !HasQueued);
        if (ended)
        {
            if (Interlocked.CompareExchange(ref _writeState, Done, Idle) == Idle)
            {
                End();
            }
        }
        else if (HasQueued)
        {
            ScheduleIfIdle();
        }
    }

    private void Finish()
    {
        Volatile.Write(ref _writeState, Done);
        End();
    }

    private void End()
    {
        // Whatever ended the stream, record a reason (the client is gone unless one already is) before it is over.
        Disconnect(DisconnectReason.ClientGone);
        _ended.TrySetResult();
    }

    private void ScheduleIfIdle()
    {
        if (Interlocked.CompareExchange(ref _writeState, Scheduled, Idle) == Idle)
        {
            _writers.Schedule(this);
        }
    }

    private bool HasQueued => Volatile.Read(ref _count) > 0;

    private void Push(OutboundFrame frame)
    {
        if (_count == _frames.Length)
        {
            Grow();
        }

        _frames[(_head + _count) % _frames.Length] = frame;
        _count++;
        _queuedBytes += frame.Bytes.Length;
        if (frame.IsEvent)
        {
            _queuedEvents++;
        }

        _peakQueuedBytes = Math.Max(_peakQueuedBytes, _queuedBytes);
        Interlocked.Exchange(ref _lastEnqueuedAt, Environment.TickCount64);
    }

    private bool TryTake(out OutboundFrame frame)
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                frame = default;
                return false;
            }

            frame = _frames[_head];
            _frames[_head] = default;
            _head = (_head + 1) % _frames.Length;
            _count--;
            _queuedBytes -= frame.Bytes.Length;
            if (frame.IsEvent)
            {
                _queuedEvents--;
            }

            return true;
        }
    }

    private void Grow()
    {
        // Starts small: most streams only ever hold a frame or two at a time.
        var larger = new OutboundFrame[Math.Max(4, _frames.Length * 2)];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _frames[(_head + i) % _frames.Length];
        }

        _frames = larger;
        _head = 0;
    }

    private void ReleaseWaiters()
    {
        var spaceFreed = Volatile.Read(ref _spaceFreed);
        if (spaceFreed is null)
        {
            return;
        }

        try
        {
            if (spaceFreed.CurrentCount == 0)
            {
                spaceFreed.Release();
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
