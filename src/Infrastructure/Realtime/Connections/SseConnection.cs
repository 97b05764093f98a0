using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using CleanSse.Infrastructure.Realtime.EventLog;
using Microsoft.AspNetCore.Http;

namespace CleanSse.Infrastructure.Realtime.Connections;

/// <summary>
/// One open event stream, made of three parts held inline: its bounded <see cref="FrameQueue"/>, its catch-up/live
/// <see cref="HandOverGate"/> and its <see cref="FrameWriter"/>, written by the hub's <see cref="SseWriterPool"/>.
/// Producers (the dispatcher, the heartbeat, a replay) never wait on the socket: they queue shared bytes, and a client
/// whose queue outgrows its bounds is disconnected. It comes back with Last-Event-ID and replays what it missed.
/// </summary>
/// <remarks>
/// Others end a stream one way, <see cref="Disconnect"/>, or, on shutdown, <see cref="Close"/>, which first sends a
/// last frame. Either way, once the stream has ended its hub lets it go (on the thread pool, never on the caller's
/// thread), then the task <see cref="StartWriting"/> returned completes: nothing has to wait on a stream to clean up
/// after it, so no frame lives as long as the stream.
/// </remarks>
internal sealed class SseConnection : ILiveEventQueue, IThreadPoolWorkItem
{
    private readonly SseConnectionHub _hub;
    private readonly TaskCompletionSource _ended = new();
    private readonly CancellationTokenRegistration _requestAbortedRegistration;
    private readonly long _openedAt = Stopwatch.GetTimestamp();
    private HttpContext? _request;
    private FrameQueue _queue;
    private HandOverGate _handOver;
    private FrameWriter _writer;
    private Action? _onFlushCompleted;
    private long _lastEnqueuedAt;

    public SseConnection(long id, string remoteAddress, StreamAudience audience, SseConnectionHub hub, CancellationToken requestAborted)
    {
        Id = id;
        RemoteAddress = remoteAddress;
        Audience = audience;
        _hub = hub;
        _lastEnqueuedAt = Environment.TickCount64;
        _requestAbortedRegistration = requestAborted.UnsafeRegister(static state => ((SseConnection)state!).Disconnect(DisconnectReason.ClientGone), this);
    }

    public long Id { get; }

    public string RemoteAddress { get; }

    /// <summary>Whose events this stream carries: the hub offers it only those, and its replay skips the rest.</summary>
    public StreamAudience Audience { get; }

    /// <summary>Cancelled when the client's request is aborted; a disconnect by the service shows in <see cref="DisconnectReason"/>.</summary>
    /// <remarks>Read from the registration on it, so that a stream does not hold the token twice.</remarks>
    public CancellationToken Aborted => _requestAbortedRegistration.Token;

    public DisconnectReason DisconnectReason => _writer.StopReason;

    public bool IsDisconnected => DisconnectReason != DisconnectReason.None;

    public bool IsLive => _handOver.IsLive;

    /// <summary>Bytes queued and not yet handed to the transport.</summary>
    public long QueuedBytes => _queue.QueuedBytes;

    /// <summary>The most bytes this connection ever had queued; never above the configured bound.</summary>
    public long PeakQueuedBytes => _queue.PeakQueuedBytes;

    public int QueuedEvents => _queue.QueuedEvents;

    public long LastEnqueuedAt => Interlocked.Read(ref _lastEnqueuedAt);

    internal WriterState WriterState => _writer.State;

    /// <summary>How long the stream has been open.</summary>
    internal TimeSpan Age => Stopwatch.GetElapsedTime(_openedAt);

    // Guards the queue and the hand-over; never held while anything is written. The completion source is private to
    // this stream and locked by nothing else, so it serves as the monitor rather than a lock object of its own.
    private object Sync => _ended;

    private RealtimeOptions Options => _hub.Options;

    /// <summary>Queues a frame if it fits the bounds; otherwise disconnects the client as too slow.</summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> frame, bool isEvent)
    {
        bool fits;
        lock (Sync)
        {
            if (IsDisconnected)
            {
                return false;
            }

            fits = _queue.TryEnqueue(frame, isEvent, Options.MaxQueuedEvents, Options.MaxQueuedBytes);
        }

        if (!fits)
        {
            Disconnect(DisconnectReason.SlowClient);
            return false;
        }

        Enqueued();
        return true;
    }

    /// <summary>Queues a frame of a replay, waiting for room rather than failing: the replay goes at the client's pace.</summary>
    public async ValueTask EnqueueWhenRoomAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task roomFreed;
            lock (Sync)
            {
                if (IsDisconnected)
                {
                    throw new OperationCanceledException("The stream was closed during the replay.", cancellationToken);
                }

                if (_queue.TryEnqueueOrWaitForRoom(frame, Options.MaxQueuedEvents, Options.MaxQueuedBytes, out roomFreed))
                {
                    break;
                }
            }

            await roomFreed.WaitAsync(cancellationToken);
        }

        Enqueued();
    }

    /// <summary>Records that everything up to <paramref name="position"/> has been queued by the catch-up.</summary>
    public void MarkQueuedThrough(EventPosition position) => _handOver.MarkQueuedThrough(position, Sync);

    /// <summary>The dispatcher's entry point: called once per event, in log order, for every connection of the event's audience.</summary>
    public void Offer(LoggedEvent logged)
    {
        switch (_handOver.Offer(logged, Options.MaxQueuedEvents, Sync))
        {
            case HandOverGate.Outcome.Deliver:
                TryEnqueue(logged.Frame, isEvent: true);
                break;
            case HandOverGate.Outcome.Overflow:
                Disconnect(DisconnectReason.SlowClient);
                break;
        }
    }

    /// <summary>Ends the catch-up: queues what arrived live meanwhile and was not replayed, then takes live events directly.</summary>
    public void GoLive() => _handOver.GoLive(Sync, this);

    bool ILiveEventQueue.TryEnqueueLive(LoggedEvent logged) => TryEnqueue(logged.Frame, isEvent: true);

    /// <summary>
    /// Starts writing queued frames to <paramref name="output"/>, coalescing whatever is queued into one flush; the task
    /// ends once nothing more will be written, whatever the reason, and the hub has let the stream go.
    /// </summary>
    /// <param name="request">
    /// The stream's request, aborted when the client turned out too slow: finishing the response politely would wait
    /// on the very client that stopped reading.
    /// </param>
    public Task StartWriting(PipeWriter output, HttpContext? request = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!_writer.TryAttach(output))
        {
            throw new InvalidOperationException("The stream is already being written.");
        }

        _request = request;
        ReleaseWriter();
        return _ended.Task;
    }

    /// <summary>Ends the stream: the one way for others to end it, short of the graceful <see cref="Close"/>.</summary>
    public void Disconnect(DisconnectReason reason)
    {
        if (!_writer.TryStop(reason))
        {
            return;
        }

        if (reason == DisconnectReason.SlowClient)
        {
            _hub.Metrics.SlowClientDisconnected();
        }

        WakeReplay();
        if (_writer.TryRetireIdle())
        {
            Ended();
        }
        else
        {
            // A flush waiting on a client that is not reading: its completion ends the stream.
            _writer.CancelWaitingFlush();
        }
    }

    /// <summary>Queues a last frame past the bounds and ends the stream once it is written (graceful shutdown).</summary>
    public void Close(ReadOnlyMemory<byte> finalFrame)
    {
        lock (Sync)
        {
            if (!_writer.TryStop(DisconnectReason.Shutdown))
            {
                return;
            }

            _queue.PushPastBounds(finalFrame);
            _queue.SignalRoom();
        }

        Enqueued();
    }

    /// <summary>Called by a writer of the pool that holds this stream: one flush of what is queued, or the stream's end.</summary>
    internal void WriteQueued()
    {
        try
        {
            if (IsCutOff)
            {
                Finish();
                return;
            }

            if (!TryTake(out var frame, out var isEvent))
            {
                ReleaseWriter();
                return;
            }

            var output = _writer.Output;
            var bytes = 0;
            var events = 0;
            ValueTask<FlushResult> written;
            if (!_queue.HasQueued)
            {
                // The usual case, one frame: the transport frames and flushes it in one call (and the first one carries
                // the response headers with it), with no buffer borrowed in between.
                bytes = frame.Length;
                events = isEvent ? 1 : 0;
                written = output.WriteAsync(frame);
            }
            else
            {
                do
                {
                    output.Write(frame.Span);
                    bytes += frame.Length;
                    events += isEvent ? 1 : 0;
                }
                while (bytes < Options.MaxBytesPerFlush && TryTake(out frame, out isEvent));

                written = output.FlushAsync();
            }

            if (_queue.HasRoomWaiter)
            {
                WakeReplay();
            }

            _hub.Metrics.Delivered(events, bytes);

            // Consumed exactly once: at once when it completed, otherwise by the continuation registered below.
#pragma warning disable CA2012
            var flush = written.ConfigureAwait(false).GetAwaiter();
#pragma warning restore CA2012
            if (!flush.IsCompleted)
            {
                _writer.WaitForFlush(flush);
                flush.UnsafeOnCompleted(_onFlushCompleted ??= OnFlushCompleted);

                // A disconnect that came while this stream was still marked Scheduled left the cancel to this writer.
                if (IsCutOff)
                {
                    output.CancelPendingFlush();
                }

                return;
            }

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

    /// <summary>Ended by the client or as too slow: what is still queued is not worth sending.</summary>
    private bool IsCutOff => DisconnectReason is DisconnectReason.ClientGone or DisconnectReason.SlowClient;

    private void OnFlushCompleted()
    {
        try
        {
            Flushed(_writer.TakeFlushResult());
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
        else if (_queue.HasQueued)
        {
            // More arrived meanwhile: back of the line, so one busy stream never starves the others.
            _hub.Writers.Schedule(this);
        }
        else
        {
            ReleaseWriter();
        }
    }

    /// <summary>Gives up the right to write; a stream that has more queued, or has ended, is dealt with at once.</summary>
    private void ReleaseWriter()
    {
        _writer.Release();
        var reason = DisconnectReason;
        if (IsCutOff || (reason == DisconnectReason.Shutdown && !_queue.HasQueued))
        {
            if (_writer.TryRetireIdle())
            {
                Ended();
            }
        }
        else if (_queue.HasQueued)
        {
            ScheduleIfIdle();
        }
    }

    /// <summary>The writer holding the stream ends it.</summary>
    private void Finish()
    {
        _writer.Retire();
        Ended();
    }

    private void Ended()
    {
        // Whatever ended the stream, record a reason (the client is gone unless one already is) before it is over.
        Disconnect(DisconnectReason.ClientGone);
        _requestAbortedRegistration.Unregister();

        // Ended by a producer (the dispatcher's broadcast, a heartbeat) as often as by a writer: the hub's bookkeeping
        // and the stream's log line are not theirs to pay for.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        _hub.Ended(this);
        if (DisconnectReason == DisconnectReason.SlowClient)
        {
            _request?.Abort();
        }

        _request = null;
        _ended.TrySetResult();
    }

    private void Enqueued()
    {
        Interlocked.Exchange(ref _lastEnqueuedAt, Environment.TickCount64);
        ScheduleIfIdle();
    }

    private void ScheduleIfIdle()
    {
        if (_writer.TrySchedule())
        {
            _hub.Writers.Schedule(this);
        }
    }

    private bool TryTake(out ReadOnlyMemory<byte> frame, out bool isEvent)
    {
        lock (Sync)
        {
            return _queue.TryDequeue(out frame, out isEvent);
        }
    }

    private void WakeReplay()
    {
        lock (Sync)
        {
            _queue.SignalRoom();
        }
    }
}
