using System.ComponentModel.DataAnnotations;

namespace CleanSse.Infrastructure.Realtime.EventLog;

/// <summary>How much history is kept for replay (section <c>Realtime:History</c>).</summary>
public sealed class EventLogOptions
{
    public const string SectionName = "Realtime:History";

    /// <summary>At most this many events are retained.</summary>
    [Range(1, 10_000_000)]
    public int MaxEvents { get; set; } = 10_000;

    /// <summary>Events older than this are dropped from the history.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(1);
}
