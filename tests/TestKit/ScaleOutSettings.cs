namespace CleanSse.TestKit;

/// <summary>The configuration of instances that share one Redis event log and one PostgreSQL database.</summary>
public static class ScaleOutSettings
{
    /// <summary>As configuration keys, for an in-process <see cref="ServiceHost"/>.</summary>
    public static Dictionary<string, string?> For(RedisTestKeys redis, TestDatabase database)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(database);
        return new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Realtime:KeyPrefix"] = redis.Prefix,
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Orders"] = database.ConnectionString,
        };
    }

    /// <summary>As environment variables, for a <see cref="ServiceProcess"/>.</summary>
    public static Dictionary<string, string> EnvironmentFor(RedisTestKeys redis, TestDatabase database) =>
        For(redis, database).ToDictionary(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => setting.Value!);
}
