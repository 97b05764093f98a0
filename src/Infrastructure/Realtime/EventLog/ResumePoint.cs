namespace CleanSse.Infrastructure.Realtime.EventLog;

/// <summary>What a log can promise a client that names the last event it saw.</summary>
public enum ResumeOutcome
{
    /// <summary>Every event after the client's id is retained: replay from <see cref="ResumePoint.After"/>.</summary>
    Replay,

    /// <summary>The id is older than the retained history, from another log, or not an id of this log at all.</summary>
    HistoryGap,
}

/// <param name="Outcome">Whether the gap can be replayed.</param>
/// <param name="After">For <see cref="ResumeOutcome.Replay"/>, the position to read after.</param>
public readonly record struct ResumePoint(ResumeOutcome Outcome, EventPosition After)
{
    public static ResumePoint Gap => new(ResumeOutcome.HistoryGap, default);

    public static ResumePoint ReplayAfter(EventPosition position) => new(ResumeOutcome.Replay, position);
}
