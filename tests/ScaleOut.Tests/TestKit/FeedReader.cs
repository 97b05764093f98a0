using CleanSse.Infrastructure.Realtime.EventLog;

namespace CleanSse.ScaleOut.Tests.TestKit;

/// <summary>Reads an event log's live feed in the background, as the service's one dispatcher does, and keeps what came.</summary>
public sealed class FeedReader : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<LoggedEvent> _received = [];
    private Task _reading = Task.CompletedTask;

    public IReadOnlyList<LoggedEvent> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Subscribes now, on the caller's thread, and reads on the pool.</summary>
    public static FeedReader Start(IEventLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var reader = new FeedReader();
        var feed = log.SubscribeAsync(reader._stop.Token);
        reader._reading = Task.Run(async () =>
        {
            await foreach (var logged in feed.WithCancellation(reader._stop.Token))
            {
                lock (reader._gate)
                {
                    reader._received.Add(logged);
                }
            }
        });
        return reader;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
