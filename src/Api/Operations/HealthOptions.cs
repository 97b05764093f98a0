using System.ComponentModel.DataAnnotations;

namespace CleanSse.Api.Operations;

/// <summary>How health checks are answered (section <c>Health</c>).</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>
    /// How long a check's result answers every probe before the check runs again: load balancers and orchestrators
    /// poll often, and a probe must not cost a database round trip each time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(1);
}
