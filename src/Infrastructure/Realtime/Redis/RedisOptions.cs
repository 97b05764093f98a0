using System.ComponentModel.DataAnnotations;

namespace CleanSse.Infrastructure.Realtime.Redis;

/// <summary>
/// Where the shared event log lives: <c>ConnectionStrings:Redis</c>, and <c>Realtime:KeyPrefix</c> and
/// <c>Realtime:ReadBlock</c> from section <c>Realtime</c>.
/// </summary>
internal sealed class RedisOptions
{
    public const string ConnectionStringName = "Redis";
    public const string SectionName = "Realtime";

    [Required]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Prefix of every key the service owns. For Redis Cluster, make it a hash tag (<c>{cleansse}</c>) so the stream and
    /// its de-duplication keys share a slot, as the append script needs.
    /// </summary>
    [Required]
    [RegularExpression(@"^\S{1,64}$", ErrorMessage = "Realtime:KeyPrefix must be 1 to 64 characters without spaces.")]
    public string KeyPrefix { get; set; } = "cleansse";

    /// <summary>How long the live reader's XREAD waits for new entries before asking again.</summary>
    public TimeSpan ReadBlock { get; set; } = TimeSpan.FromSeconds(1);

    public string StreamKey => $"{KeyPrefix}:events";

    /// <summary>
    /// A random value the log writes beside its stream and checks on every append: gone, it tells that Redis lost what
    /// it held (a restart without persistence, FLUSHALL, a failover to an empty replica); changed, that the log was
    /// rebuilt since.
    /// </summary>
    public string GenerationKey => $"{KeyPrefix}:generation";

    /// <summary>The key remembering under which stream entry an event id was appended.</summary>
    public string DeduplicationKey(string eventId) => $"{KeyPrefix}:dedupe:{eventId}";
}
