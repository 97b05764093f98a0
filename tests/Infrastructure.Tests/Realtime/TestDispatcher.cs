using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;

namespace CleanSse.Infrastructure.Tests.Realtime;

/// <summary>What LiveEventDispatcher does, without a host: one loop handing the log's live feed to the hub.</summary>
internal sealed class TestDispatcher : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _broadcasts;

    public TestDispatcher(IEventLog log, SseConnectionHub hub)
    {
        var feed = log.SubscribeAsync(_stop.Token);
        _loop = Task.Run(async () =>
        {
            try
            {
                await foreach (var logged in feed.WithCancellation(_stop.Token))
                {
                    hub.Broadcast(logged);
                    Interlocked.Increment(ref _broadcasts);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
        });
    }

    /// <summary>Events handed to every stream of the hub so far.</summary>
    public long Broadcasts => Interlocked.Read(ref _broadcasts);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
