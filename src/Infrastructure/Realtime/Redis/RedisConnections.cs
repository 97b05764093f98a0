using StackExchange.Redis;

namespace CleanSse.Infrastructure.Realtime.Redis;

/// <summary>
/// The process's Redis connections: one multiplexed connection for commands, and one of its own for the live reader,
/// whose blocking XREAD would otherwise hold up every other command behind it.
/// </summary>
internal sealed class RedisConnections : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _commands;
    private readonly Lazy<Task<ConnectionMultiplexer>> _reader;

    public RedisConnections(RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _commands = new(() => ConnectAsync(options.ConnectionString, "cleansse-commands"));
        _reader = new(() => ConnectAsync(options.ConnectionString, "cleansse-live-reader", options.ReadBlock * 3, RedisProtocol.Resp2));
    }

    public async Task<IDatabase> CommandsAsync() => (await _commands.Value).GetDatabase();

    public async Task<IDatabase> ReaderAsync() => (await _reader.Value).GetDatabase();

    public async Task<bool> IsConnectedAsync() => (await _commands.Value).IsConnected;

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in new[] { _commands, _reader })
        {
            if (connection.IsValueCreated)
            {
                await (await connection.Value).DisposeAsync();
            }
        }
    }

    private static Task<ConnectionMultiplexer> ConnectAsync(
        string connectionString, string name, TimeSpan? minimumTimeout = null, RedisProtocol? protocol = null)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.ClientName ??= name;

        // The live reader parses XREAD's reply itself, in its RESP2 shape (RESP3 would answer with a map).
        configuration.Protocol = protocol ?? configuration.Protocol;

        // Start even while Redis is down (the outbox holds events meanwhile) and keep reconnecting.
        configuration.AbortOnConnectFail = false;
        if (minimumTimeout is { } timeout && configuration.AsyncTimeout < timeout.TotalMilliseconds)
        {
            configuration.AsyncTimeout = (int)timeout.TotalMilliseconds;
        }

        return ConnectionMultiplexer.ConnectAsync(configuration);
    }
}
