namespace CleanSse.Infrastructure.Realtime.Redis;

/// <summary>Where the shared event log lives (<c>ConnectionStrings:Redis</c>, <c>Realtime:KeyPrefix</c>).</summary>
public sealed class RedisOptions
{
    public const string ConnectionStringName = "Redis";

    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Prefix of every key the service owns. For Redis Cluster, make it a hash tag (<c>{cleansse}</c>) so the stream and
    /// its de-duplication keys share a slot, as the append script needs.
    /// </summary>
    public string KeyPrefix { get; set; } = "cleansse";

    /// <summary>How long the live reader's XREAD waits for new entries before asking again.</summary>
    public TimeSpan ReadBlock { get; set; } = TimeSpan.FromSeconds(1);

    public string StreamKey => $"{KeyPrefix}:events";

    public string DeduplicationKey(string key) => $"{KeyPrefix}:dedupe:{key}";
}
