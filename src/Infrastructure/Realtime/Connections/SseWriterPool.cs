using System.Collections.Concurrent;

namespace CleanSse.Infrastructure.Realtime.Connections;

/// <summary>
/// A few writer loops shared by every stream, instead of one waiting pump per stream. A stream with something queued
/// is put in line once; a loop takes it, writes everything it has queued by then in one flush, and moves on. So an
/// event costs the broadcaster one enqueue per stream, a burst reaches each stream in as few writes as the streams can
/// take, and idle streams hold no waiting task at all.
/// </summary>
public sealed class SseWriterPool : IDisposable
{
    // A loop goes to the back of the thread pool's queue this often, so requests (the POSTs that publish) never wait
    // behind a whole fan-out.
    private const int StreamsPerTurn = 64;

    private readonly ConcurrentQueue<SseConnection> _ready = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Task[] _loops;
    private int _parked;
    private volatile bool _stopping;

    public SseWriterPool(int loops)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(loops, 1);
        _loops = new Task[loops];
        for (var i = 0; i < loops; i++)
        {
            _loops[i] = Task.Run(RunAsync);
        }
    }

    /// <summary>Puts a stream in line to be written; the caller has made sure it is not in line already.</summary>
    public void Schedule(SseConnection connection)
    {
        _ready.Enqueue(connection);
        WakeOne();
    }

    public void Dispose()
    {
        _stopping = true;
        _wake.Release(_loops.Length);
    }

    private async Task RunAsync()
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

            // Parked before the last look, so a stream scheduled in between either is seen here or wakes a loop.
            Interlocked.Increment(ref _parked);
            if (!_ready.IsEmpty)
            {
                WakeOne();
            }

            await _wake.WaitAsync().ConfigureAwait(false);
        }
    }

    private void WakeOne()
    {
        // Each permit released is paid for by one parked loop, so permits never pile up while the loops are busy.
        var parked = Volatile.Read(ref _parked);
        while (parked > 0)
        {
            var seen = Interlocked.CompareExchange(ref _parked, parked - 1, parked);
            if (seen == parked)
            {
                _wake.Release();
                return;
            }

            parked = seen;
        }
    }
}
