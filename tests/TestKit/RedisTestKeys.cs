using System.Security.Cryptography;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.Infrastructure.Realtime.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CleanSse.TestKit;

/// <summary>
/// A test's own slice of a Redis server: a random key prefix (<c>Realtime:KeyPrefix</c>), a connection to inspect the
/// keys the service writes under it, and the removal of every such key when the test ends.
/// </summary>
public sealed class RedisTestKeys : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<string> _extraPrefixes = [];

    private RedisTestKeys(string connectionString, ConnectionMultiplexer connection)
    {
        ConnectionString = connectionString;
        _connection = connection;
        Prefix = NewPrefix();
    }

    public string ConnectionString { get; }

    public string Prefix { get; }

    public RedisKey StreamKey => $"{Prefix}:events";

    public IDatabase Database => _connection.GetDatabase();

    /// <summary>On the shared test Redis (<c>CLEANSSE_TEST_REDIS</c>).</summary>
    public static async Task<RedisTestKeys> CreateAsync() => await CreateAsync(await TestResources.RequireRedisAsync());

    public static async Task<RedisTestKeys> CreateAsync(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        return new RedisTestKeys(connectionString, await ConnectionMultiplexer.ConnectAsync(options));
    }

    public static string NewPrefix() => "cleansse-test-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>An event log on this Redis, as the service builds it, under <see cref="Prefix"/> or another prefix.</summary>
    /// <param name="history">Retention; the service's defaults when null.</param>
    /// <param name="prefix">Another key prefix (see <see cref="AddPrefix"/>).</param>
    /// <param name="connectionOptions">Appended to the connection string, e.g. <c>,asyncTimeout=300</c>.</param>
    /// <param name="logger">Receives the log's warnings.</param>
    internal RedisStreamEventLog CreateEventLog(
        EventLogOptions? history = null, string? prefix = null, string? connectionOptions = null, ILogger<RedisStreamEventLog>? logger = null)
    {
        var options = new RedisOptions { ConnectionString = ConnectionString + connectionOptions, KeyPrefix = prefix ?? Prefix };
        var connections = new RedisConnections(options);
        _owned.Add(connections);
        return new RedisStreamEventLog(
            connections,
            options,
            Options.Create(history ?? new EventLogOptions()),
            TimeProvider.System,
            logger ?? NullLogger<RedisStreamEventLog>.Instance);
    }

    /// <summary>Every entry of the stream, oldest first.</summary>
    public async Task<StreamEntry[]> EntriesAsync(RedisKey? stream = null) =>
        await Database.StreamRangeAsync(stream ?? StreamKey, "-", "+");

    /// <summary>How many entries of the stream carry the event key <paramref name="deduplicationKey"/>.</summary>
    public async Task<int> CountEntriesWithKeyAsync(string deduplicationKey) =>
        (await EntriesAsync()).Count(entry => entry["k"] == deduplicationKey);

    /// <summary>Whether the stream holds an entry with exactly this id.</summary>
    public async Task<bool> HasEntryAsync(string id) => (await Database.StreamRangeAsync(StreamKey, id, id)).Length > 0;

    public async Task<StreamInfo> InfoAsync() => await Database.StreamInfoAsync(StreamKey);

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        try
        {
            await DeleteKeysAsync(Prefix);
            foreach (var prefix in _extraPrefixes)
            {
                await DeleteKeysAsync(prefix);
            }
        }
        catch (RedisException)
        {
            // A private server may already be gone, and its keys with it.
        }

        await _connection.DisposeAsync();
    }

    /// <summary>Another prefix whose keys this test also writes and must remove.</summary>
    public string AddPrefix()
    {
        var prefix = NewPrefix();
        _extraPrefixes.Add(prefix);
        return prefix;
    }

    private async Task DeleteKeysAsync(string prefix)
    {
        foreach (var endpoint in _connection.GetEndPoints())
        {
            var server = _connection.GetServer(endpoint);
            if (!server.IsConnected)
            {
                continue;
            }

            var keys = new List<RedisKey>();
            await foreach (var key in server.KeysAsync(pattern: prefix + ":*", pageSize: 500))
            {
                keys.Add(key);
            }

            foreach (var chunk in keys.Chunk(500))
            {
                await Database.KeyDeleteAsync(chunk);
            }
        }
    }
}
