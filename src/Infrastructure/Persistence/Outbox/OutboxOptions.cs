namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>How the outbox dispatcher runs (section <c>Outbox</c>).</summary>
internal sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>
    /// How often the dispatcher looks for waiting rows no request woke it for (left by a crash, by another instance,
    /// or by an outage of the log), and checks that the log still holds what it had.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Dispatched events are kept this long, then deleted: for diagnosis, and to rebuild a log that lost its data
    /// (keep it at least as long as <c>Realtime:History:MaxAge</c>).
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows read, appended and marked per step.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>At most this many of the newest kept rows are put back into a log that lost its data (keep it at least <c>Realtime:History:MaxEvents</c>).</summary>
    public int RestoreMaxEvents { get; set; } = 10_000;
}
