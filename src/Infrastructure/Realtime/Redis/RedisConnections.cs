using StackExchange.Redis;

namespace CleanSse.Infrastructure.Realtime.Redis;

/// <summary>
/// The process's Redis connections: one multiplexed connection for commands, and one of its own for the live reader,
/// whose blocking XREAD would otherwise hold up every other command behind it. Both start connecting when the service
/// starts and keep reconnecting in the background; while Redis is away, commands fail at once instead of waiting in a
/// backlog for a connection, so no request is held up by Redis being down.
/// </summary>
internal sealed class RedisConnections : IAsyncDisposable
{
    private readonly Task<ConnectionMultiplexer> _commands;
    private readonly Task<ConnectionMultiplexer> _reader;
    private readonly long _firstAttemptDeadline = Environment.TickCount64 + (long)FirstAttemptGrace.TotalMilliseconds;

    /// <summary>How long after start-up callers may wait for the first connection attempt to end.</summary>
    public static readonly TimeSpan FirstAttemptGrace = TimeSpan.FromSeconds(2);

    public RedisConnections(RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _commands = ConnectAsync(options.ConnectionString, "cleansse-commands");
        _reader = ConnectAsync(options.ConnectionString, "cleansse-live-reader", options.ReadBlock * 3, RedisProtocol.Resp2);
    }

    /// <summary>Whether commands can be sent now; false while the first connection attempt is still under way.</summary>
    public bool IsConnected => _commands.IsCompletedSuccessfully && _commands.Result.IsConnected;

    // A caller that stops waiting (a stream that closed, a service that stops) does not wait out the first connection
    // attempt, which lasts up to the connect timeout when Redis takes connections and does not answer.
    public async Task<IDatabase> CommandsAsync(CancellationToken cancellationToken) =>
        (await _commands.WaitAsync(cancellationToken)).GetDatabase();

    public async Task<IDatabase> ReaderAsync(CancellationToken cancellationToken) =>
        (await _reader.WaitAsync(cancellationToken)).GetDatabase();

    /// <summary>
    /// Whether commands can be sent now. In the first moments after start-up it waits for the first connection attempt
    /// (a Redis that is up answers within milliseconds, a refused connection ends it at once), so events raised then go
    /// straight to Redis rather than to the outbox; from <see cref="FirstAttemptGrace"/> after start-up on, it never waits.
    /// </summary>
    public async Task<bool> IsConnectedAsync()
    {
        var left = _firstAttemptDeadline - Environment.TickCount64;
        if (!_commands.IsCompleted && left > 0)
        {
            await Task.WhenAny(_commands, Task.Delay(TimeSpan.FromMilliseconds(left)));
        }

        return IsConnected;
    }

    /// <summary>
    /// Waits, at most <paramref name="limit"/>, for the first connection attempt to end (a refused connection ends it at
    /// once), so that a caller at start-up does not take "not connected yet" for "Redis is down".
    /// </summary>
    public bool WaitForFirstAttempt(TimeSpan limit)
    {
        try
        {
            return _commands.Wait(limit);
        }
        catch (AggregateException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in new[] { _commands, _reader })
        {
            if (connection.IsCompletedSuccessfully)
            {
                await connection.Result.DisposeAsync();
            }
            else
            {
                // Still on its first attempt: closed once made, or it would go on reconnecting after its owner is gone.
                _ = connection.ContinueWith(
                    static made => made.Result.Dispose(),
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
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

        // While disconnected, a command fails at once rather than waiting out its timeout for a connection: callers
        // (a request appending an event, a health check, the key ring) have something better to do than wait.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        if (minimumTimeout is { } timeout && configuration.AsyncTimeout < timeout.TotalMilliseconds)
        {
            configuration.AsyncTimeout = (int)timeout.TotalMilliseconds;
        }

        // Off the caller's thread: the first attempt can take up to the connect timeout when Redis does not answer.
        return Task.Run(() => ConnectionMultiplexer.ConnectAsync(configuration));
    }
}
