namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>How the outbox dispatcher sweeps (section <c>Outbox</c>).</summary>
internal sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>How often waiting events are looked for.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Events younger than this are left to the request that stored them, which publishes them right after its commit;
    /// the sweep only takes what that request did not get to. At start every waiting event is taken.
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Dispatched events are deleted after this long.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);

    public int BatchSize { get; set; } = 200;
}
