using CleanSse.Infrastructure.Realtime.EventLog;

namespace CleanSse.Infrastructure.Tests.Realtime;

/// <summary>
/// An event log whose answers arrive a moment after they were read, as a remote one's would: the log may move on
/// between a reader's question and its next step, which widens every window a catch-up has to get right.
/// </summary>
internal sealed class LaggingEventLog(IEventLog inner) : IEventLog
{
    private readonly List<EventPosition> _headsGiven = [];

    /// <summary>Every head this log told its reader about, oldest first.</summary>
    public IReadOnlyList<EventPosition> HeadsGiven
    {
        get
        {
            lock (_headsGiven)
            {
                return [.. _headsGiven];
            }
        }
    }

    public async ValueTask<LoggedEvent> AppendAsync(string type, string data, string? deduplicationKey, string? ownerId, CancellationToken cancellationToken) =>
        await inner.AppendAsync(type, data, deduplicationKey, ownerId, cancellationToken);

    public async ValueTask<(EventPosition Position, string Id)> GetHeadAsync(CancellationToken cancellationToken)
    {
        var head = await inner.GetHeadAsync(cancellationToken);
        lock (_headsGiven)
        {
            _headsGiven.Add(head.Position);
        }

        await LagAsync(cancellationToken);
        return head;
    }

    public async ValueTask<ResumePoint> ResolveAsync(string lastEventId, CancellationToken cancellationToken)
    {
        var resume = await inner.ResolveAsync(lastEventId, cancellationToken);
        await LagAsync(cancellationToken);
        return resume;
    }

    public async ValueTask<IReadOnlyList<LoggedEvent>> ReadAfterAsync(EventPosition after, int maxCount, CancellationToken cancellationToken)
    {
        var batch = await inner.ReadAfterAsync(after, maxCount, cancellationToken);
        await LagAsync(cancellationToken);
        return batch;
    }

    public IAsyncEnumerable<LoggedEvent> SubscribeAsync(CancellationToken cancellationToken) => inner.SubscribeAsync(cancellationToken);

    private static async Task LagAsync(CancellationToken cancellationToken)
    {
        if (Random.Shared.Next(4) == 0)
        {
            await Task.Delay(1, cancellationToken);
        }
        else
        {
            await Task.Yield();
        }
    }
}
