namespace CleanSse.Infrastructure.Realtime.Connections;

/// <summary>
/// One stream's bounded queue of encoded frames, a ring buffer held inline in its connection (no object of its own
/// per stream, and no array until it holds two frames at once). Producers that must never wait (live events,
/// heartbeats) are refused past the bounds; the replay, which goes at the client's pace, is given a signal to wait on
/// until the writer has made room.
/// </summary>
/// <remarks>Not synchronised: its connection calls it under the connection's lock, except for <see cref="HasQueued"/>.</remarks>
internal struct FrameQueue
{
    // Until a stream holds two frames at once its one frame waits here: an idle stream is only ever handed one at a time
    // (its connected message, then a heartbeat now and then) and so never needs the array. Once made, the array stays;
    // a stream that has held two is likely to again, and every broadcast would otherwise make and drop one.
    private Frame _only;
    private Frame[]? _frames;
    private int _head;
    private int _count;
    private long _queuedBytes;
    private int _queuedEvents;
    private long _peakQueuedBytes;

    // Made only when a replay finds no room, so only a stream that waits pays for it.
    private TaskCompletionSource? _roomFreed;

    public readonly bool HasQueued => Volatile.Read(in _count) > 0;

    /// <summary>Whether a replay waits for room; read without the lock by the writer, which signals only then.</summary>
    public bool HasRoomWaiter => Volatile.Read(ref _roomFreed) is not null;

    public readonly long QueuedBytes => Volatile.Read(in _queuedBytes);

    public readonly int QueuedEvents => Volatile.Read(in _queuedEvents);

    /// <summary>The most bytes ever queued at once; never above the bound, except for a frame pushed past it.</summary>
    public readonly long PeakQueuedBytes => Volatile.Read(in _peakQueuedBytes);

    /// <summary>Queues the frame if it fits both bounds (comments do not count as events).</summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> bytes, bool isEvent, int maxEvents, long maxBytes)
    {
        if ((isEvent && _queuedEvents >= maxEvents) || _queuedBytes + bytes.Length > maxBytes)
        {
            return false;
        }

        Push(new Frame(bytes, isEvent));
        return true;
    }

    /// <summary>
    /// Queues a replayed event if it fits, or if the queue is empty (a single event larger than the byte bound still
    /// goes out); otherwise returns the task to await before trying again, completed once room is made.
    /// </summary>
    public bool TryEnqueueOrWaitForRoom(ReadOnlyMemory<byte> bytes, int maxEvents, long maxBytes, out Task roomFreed)
    {
        if (_count == 0 || (_queuedEvents < maxEvents && _queuedBytes + bytes.Length <= maxBytes))
        {
            Push(new Frame(bytes, IsEvent: true));
            roomFreed = Task.CompletedTask;
            return true;
        }

        _roomFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        roomFreed = _roomFreed.Task;
        return false;
    }

    /// <summary>Queues a frame whatever the bounds: the stream's last one, which nothing follows.</summary>
    public void PushPastBounds(ReadOnlyMemory<byte> bytes) => Push(new Frame(bytes, IsEvent: false));

    public bool TryDequeue(out ReadOnlyMemory<byte> bytes, out bool isEvent)
    {
        if (_count == 0)
        {
            bytes = default;
            isEvent = false;
            return false;
        }

        Frame frame;
        if (_frames is null)
        {
            frame = _only;
            _only = default;
        }
        else
        {
            frame = _frames[_head];
            _frames[_head] = default;
            _head = (_head + 1) % _frames.Length;
        }

        _count--;
        _queuedBytes -= frame.Bytes.Length;
        if (frame.IsEvent)
        {
            _queuedEvents--;
        }

        (bytes, isEvent) = (frame.Bytes, frame.IsEvent);
        return true;
    }

    /// <summary>Wakes a replay waiting for room: the writer took frames, or the stream ended and the replay must stop.</summary>
    public void SignalRoom()
    {
        var waiting = _roomFreed;
        _roomFreed = null;
        waiting?.TrySetResult();
    }

    private void Push(Frame frame)
    {
        if (_frames is null && _count == 0)
        {
            _only = frame;
        }
        else
        {
            if (_frames is null || _count == _frames.Length)
            {
                Grow();
            }

            _frames![(_head + _count) % _frames.Length] = frame;
        }

        Volatile.Write(ref _count, _count + 1);
        _queuedBytes += frame.Bytes.Length;
        if (frame.IsEvent)
        {
            _queuedEvents++;
        }

        _peakQueuedBytes = Math.Max(_peakQueuedBytes, _queuedBytes);
    }

    private void Grow()
    {
        // Starts small: a stream that holds two frames at once rarely holds many more.
        Frame[] larger;
        if (_frames is null)
        {
            larger = new Frame[4];
            larger[0] = _only;
            _only = default;
        }
        else
        {
            larger = new Frame[_frames.Length * 2];
            for (var i = 0; i < _count; i++)
            {
                larger[i] = _frames[(_head + i) % _frames.Length];
            }
        }

        _frames = larger;
        _head = 0;
    }

    private readonly record struct Frame(ReadOnlyMemory<byte> Bytes, bool IsEvent);
}
