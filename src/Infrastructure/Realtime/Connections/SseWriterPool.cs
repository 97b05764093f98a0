using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure.Realtime.Connections;

/// <summary>
/// A few writer loops shared by every stream, instead of one waiting pump per stream. A stream with something queued
/// is put in line once; a loop takes it, writes everything it has queued by then in one flush, and moves on. So an
/// event costs the broadcaster one enqueue per stream, a burst reaches each stream in as few writes as the streams can
/// take, and idle streams hold no waiting task at all. The host starts the loops before it accepts requests, and on
/// stop waits for them to end.
/// </summary>
internal sealed class SseWriterPool(IOptions<RealtimeOptions> options) : IHostedService
{
    // A loop goes to the back of the thread pool's queue this often, so requests (the POSTs that publish) never wait
    // behind a whole fan-out.
    private const int StreamsPerTurn = 64;

    private readonly ConcurrentQueue<SseConnection> _ready = new();
    private volatile WriterLoop[] _loops = [];
    private Task _running = Task.CompletedTask;
    private volatile bool _stopping;

    /// <summary>Loops running now; none before the start or after the stop.</summary>
    public int RunningLoops => _loops.Count(loop => !loop.Ended);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var count = options.Value.Writers;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (_loops.Length > 0)
        {
            throw new InvalidOperationException("The writer pool has already started.");
        }

        var loops = new WriterLoop[count];
        var running = new Task[count];
        for (var i = 0; i < count; i++)
        {
            var loop = new WriterLoop();
            loops[i] = loop;
            running[i] = Task.Run(() => RunAsync(loop), CancellationToken.None);
        }

        _loops = loops;
        _running = Task.WhenAll(running);
        return Task.CompletedTask;
    }

    /// <summary>Stops every loop and waits for it to end; a stream put in line from now on is not written.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        foreach (var loop in _loops)
        {
            loop.TryWake();
        }

        await _running.WaitAsync(cancellationToken);
    }

    /// <summary>Puts a stream in line to be written; the caller has made sure it is not in line already.</summary>
    public void Schedule(SseConnection connection)
    {
        _ready.Enqueue(connection);
        WakeOne();
    }

    private async Task RunAsync(WriterLoop loop)
    {
        try
        {
            await WriteUntilStoppedAsync(loop);
        }
        finally
        {
            loop.Ended = true;
        }
    }

    private async Task WriteUntilStoppedAsync(WriterLoop loop)
    {
        var written = 0;
        while (!_stopping)
        {
            while (_ready.TryDequeue(out var connection))
            {
                connection.WriteQueued();
                if (++written == StreamsPerTurn)
                {
                    written = 0;
                    await Task.Yield();
                }
            }

            // Parked before the last look, so a stream scheduled in between is either seen here or wakes this loop.
            loop.Park();
            if ((!_ready.IsEmpty || _stopping) && loop.TryUnpark())
            {
                continue;
            }

            await loop.WaitAsync();
        }
    }

    private void WakeOne()
    {
        foreach (var loop in _loops)
        {
            if (loop.TryWake())
            {
                return;
            }
        }
    }

    /// <summary>One loop's parking spot: a reusable signal, so parking and waking allocate nothing.</summary>
    private sealed class WriterLoop : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _signal = new() { RunContinuationsAsynchronously = true };
        private int _parked;

        private volatile bool _ended;

        public bool Ended
        {
            get => _ended;
            set => _ended = value;
        }

        public void Park() => Interlocked.Exchange(ref _parked, 1);

        /// <summary>Leaves the spot unless a waker already claimed it (then its signal is on the way).</summary>
        public bool TryUnpark() => Interlocked.Exchange(ref _parked, 0) == 1;

        public bool TryWake()
        {
            if (Volatile.Read(ref _parked) == 0 || Interlocked.CompareExchange(ref _parked, 0, 1) != 1)
            {
                return false;
            }

            _signal.SetResult(true);
            return true;
        }

        public ValueTask WaitAsync() => new(this, _signal.Version);

        void IValueTaskSource.GetResult(short token)
        {
            _signal.GetResult(token);
            _signal.Reset();
        }

        ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _signal.GetStatus(token);

        void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _signal.OnCompleted(continuation, state, token, flags);
    }
}
