using CleanSse.Infrastructure.Realtime.EventLog;

namespace CleanSse.TestKit;

/// <summary>Reads the service's own event log, to compare what a stream delivered with what was published.</summary>
public static class EventLogProbe
{
    /// <summary>The position the service gives an id: its own ordering of events.</summary>
    public static async Task<EventPosition> PositionOfAsync(this IEventLog log, string id)
    {
        ArgumentNullException.ThrowIfNull(log);
        var resume = await log.ResolveAsync(id, TestContext.Current.CancellationToken);
        resume.Outcome.ShouldBe(ResumeOutcome.Replay, $"'{id}' is not an id the log still holds");
        return resume.After;
    }

    /// <summary>Every retained event after <paramref name="id"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<LoggedEvent>> ReadAllAfterAsync(this IEventLog log, string id)
    {
        var after = await log.PositionOfAsync(id);
        var all = new List<LoggedEvent>();
        while (true)
        {
            var batch = await log!.ReadAfterAsync(after, 1000, TestContext.Current.CancellationToken);
            all.AddRange(batch);
            if (batch.Count == 0)
            {
                return all;
            }

            after = batch[^1].Position;
        }
    }

    public static async Task<string> HeadIdAsync(this IEventLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var (_, id) = await log.GetHeadAsync(TestContext.Current.CancellationToken);
        return id;
    }
}
