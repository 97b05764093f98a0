using System.ComponentModel.DataAnnotations;

namespace CleanSse.Api.Security;

/// <summary>
/// The limit on writes (<c>POST</c>, <c>PATCH</c>, <c>PUT</c>, <c>DELETE</c>), section <c>RateLimiting</c>: each signed-in
/// user, or each client address for anonymous requests, may make <see cref="PermitLimit"/> of them per
/// <see cref="Window"/>; more are refused with 429 and <c>Retry-After</c>. Reads and event streams are not limited here.
/// </summary>
public sealed class WriteRateLimitOptions
{
    public const string SectionName = "RateLimiting";

    /// <summary>False switches the limit off (load tests, a gateway that limits already).</summary>
    public bool Enabled { get; set; } = true;

    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 100;

    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}
