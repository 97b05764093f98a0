using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace CleanSse.Infrastructure.Realtime.Connections;

/// <summary>
/// The right to write one stream, and the flush it waits on, held inline in its connection. Producers put an idle
/// stream in line; the writer that takes it writes and flushes; a flush that waits on the client holds no loop.
/// Once the stream must stop, the reason decides how: cut off at once, or (shutdown) after what is queued.
/// </summary>
internal struct FrameWriter
{
    // A WriterState and a DisconnectReason, stored as ints so that they can be exchanged atomically.
    private int _state;
    private int _stopReason;
    private PipeWriter? _output;
    private ConfiguredValueTaskAwaitable<FlushResult>.ConfiguredValueTaskAwaiter _pendingFlush;

    public readonly WriterState State => (WriterState)Volatile.Read(in _state);

    /// <summary>Why the stream must stop, or <see cref="DisconnectReason.None"/> while it goes on.</summary>
    public readonly DisconnectReason StopReason => (DisconnectReason)Volatile.Read(in _stopReason);

    /// <summary>Records why the stream must stop, unless a reason already is: the first one wins.</summary>
    public bool TryStop(DisconnectReason reason) =>
        Interlocked.CompareExchange(ref _stopReason, (int)reason, (int)DisconnectReason.None) == (int)DisconnectReason.None;

    /// <summary>The transport; set once the writer has started.</summary>
    public readonly PipeWriter Output => _output ?? throw new InvalidOperationException("The stream has not started.");

    /// <summary>Gives the writer its transport, once; it stays unstarted until released.</summary>
    public bool TryAttach(PipeWriter output) => Interlocked.CompareExchange(ref _output, output, null) is null;

    /// <summary>Idle to scheduled: the caller is the one to put the stream in line.</summary>
    public bool TrySchedule() => Transition(WriterState.Idle, WriterState.Scheduled);

    /// <summary>Idle to done: the caller is the one to end the stream.</summary>
    public bool TryRetireIdle() => Transition(WriterState.Idle, WriterState.Done);

    /// <summary>Gives up the right to write; the caller then looks again at what is queued and at the end.</summary>
    public void Release()
    {
        Volatile.Write(ref _state, (int)WriterState.Idle);

        // A producer's enqueue before this and its look at the state after must not both miss each other.
        Interlocked.MemoryBarrier();
    }

    /// <summary>Holds a flush that waits on the client; its completion is taken back with <see cref="TakeFlushResult"/>.</summary>
    public void WaitForFlush(ConfiguredValueTaskAwaitable<FlushResult>.ConfiguredValueTaskAwaiter flush)
    {
        _pendingFlush = flush;
        Interlocked.Exchange(ref _state, (int)WriterState.Flushing);
    }

    /// <summary>The waited-on flush has completed: its result, and the stream is the caller's to write again.</summary>
    public FlushResult TakeFlushResult()
    {
        var result = _pendingFlush.GetResult();
        _pendingFlush = default;
        Volatile.Write(ref _state, (int)WriterState.Scheduled);
        return result;
    }

    /// <summary>Ends writing, whatever the state.</summary>
    public void Retire() => Volatile.Write(ref _state, (int)WriterState.Done);

    /// <summary>Makes a flush that waits on the client complete at once (cancelled), so that the stream can end.</summary>
    public readonly void CancelWaitingFlush()
    {
        if (State == WriterState.Flushing)
        {
            _output?.CancelPendingFlush();
        }
    }

    private bool Transition(WriterState from, WriterState to) =>
        Interlocked.CompareExchange(ref _state, (int)to, (int)from) == (int)from;
}
