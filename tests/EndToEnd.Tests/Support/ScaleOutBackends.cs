using Npgsql;
using StackExchange.Redis;

namespace CleanSse.EndToEnd.Tests.Support;

/// <summary>
/// What several instances share: a Redis event log under a key prefix of this test's own, and a PostgreSQL database
/// of this test's own. Both are removed afterwards. Without CLEANSSE_TEST_REDIS / CLEANSSE_TEST_POSTGRES the test
/// skips, or fails in CI.
/// </summary>
public sealed class ScaleOutBackends : IAsyncDisposable
{
    private readonly string _adminConnectionString;
    private readonly string _database;

    private ScaleOutBackends(string redis, string keyPrefix, string adminConnectionString, string database, string orders)
    {
        Redis = redis;
        KeyPrefix = keyPrefix;
        _adminConnectionString = adminConnectionString;
        _database = database;
        OrdersConnectionString = orders;
    }

    public string Redis { get; }

    public string KeyPrefix { get; }

    public string OrdersConnectionString { get; }

    public static async Task<ScaleOutBackends> CreateAsync()
    {
        var redis = Requirements.RequireVariable("CLEANSSE_TEST_REDIS", "127.0.0.1:6379");
        var postgres = Requirements.RequireVariable("CLEANSSE_TEST_POSTGRES", "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres");

        var suffix = Guid.NewGuid().ToString("N")[..12];
        var admin = new NpgsqlConnectionStringBuilder(postgres) { Database = "postgres", Pooling = false }.ConnectionString;
        var database = $"cleansse_e2e_{suffix}";
        await ExecuteAsync(admin, $"CREATE DATABASE \"{database}\"");
        var orders = new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString;
        return new ScaleOutBackends(redis, $"cleansse-e2e-{suffix}", admin, database, orders);
    }

    /// <summary>The settings of one instance in the group.</summary>
    public ApiInstance NewInstance(string name) =>
        new(name, new Dictionary<string, string>
        {
            ["ConnectionStrings__Orders"] = OrdersConnectionString,
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Redis"] = Redis,
            ["Realtime__KeyPrefix"] = KeyPrefix,
        });

    public async ValueTask DisposeAsync()
    {
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(Redis))
        {
            foreach (var endpoint in redis.GetEndPoints())
            {
                var server = redis.GetServer(endpoint);
                var keys = new List<RedisKey>();
                await foreach (var key in server.KeysAsync(pattern: $"{KeyPrefix}:*"))
                {
                    keys.Add(key);
                }

                if (keys.Count > 0)
                {
                    await redis.GetDatabase().KeyDeleteAsync([.. keys]);
                }
            }
        }

        await ExecuteAsync(_adminConnectionString, $"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
