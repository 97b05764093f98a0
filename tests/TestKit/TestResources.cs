using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Npgsql;
using StackExchange.Redis;

namespace CleanSse.TestKit;

/// <summary>
/// What a test needs from the machine (a Redis, a PostgreSQL server, a browser, a program on PATH). When it is missing
/// the test skips and says why, except in CI (<c>CI=true</c>): a suite that silently skipped there would prove
/// nothing, so it fails.
/// </summary>
public static class TestResources
{
    public const string RedisVariable = "CLEANSSE_TEST_REDIS";
    public const string PostgresVariable = "CLEANSSE_TEST_POSTGRES";

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    [DoesNotReturn]
    public static void Unavailable(string reason)
    {
        if (InCi)
        {
            Assert.Fail($"{reason} (CI=true: a missing dependency fails the suite instead of skipping it)");
        }

        Assert.Skip(reason);
        throw new UnreachableException();
    }

    public static void Require([DoesNotReturnIf(false)] bool available, string reason)
    {
        if (!available)
        {
            Unavailable(reason);
        }
    }

    /// <summary>The shared Redis's connection string, once it answers PING.</summary>
    public static async Task<string> RequireRedisAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable(RedisVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Unavailable($"{RedisVariable} is not set (e.g. 127.0.0.1:6379); this test needs a real Redis.");
        }

        try
        {
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 3000;
            options.ConnectRetry = 1;
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            await connection.GetDatabase().PingAsync();
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or ArgumentException)
        {
            Unavailable($"Redis at {EndpointsOf(connectionString)} ({RedisVariable}) does not answer: {exception.Message}");
        }

        return connectionString;
    }

    /// <summary>The PostgreSQL server's connection string (no database), once a connection opens.</summary>
    public static async Task<string> RequirePostgresAsync(CancellationToken cancellationToken)
    {
        var connectionString = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Unavailable($"{PostgresVariable} is not set (e.g. Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres).");
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5, Pooling = false };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or ArgumentException or TimeoutException)
        {
            Unavailable($"PostgreSQL at {HostOf(connectionString)} ({PostgresVariable}) does not answer: {exception.Message}");
        }

        return connectionString;
    }

    /// <summary>The full path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);
    }

    // Failure messages name the server, never the credentials that may be in its connection string.
    private static string EndpointsOf(string connectionString)
    {
        try
        {
            return string.Join(", ", ConfigurationOptions.Parse(connectionString).EndPoints.Select(endpoint => endpoint.ToString()));
        }
        catch (ArgumentException)
        {
            return "an unparsable address";
        }
    }

    private static string HostOf(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{builder.Host}:{builder.Port}";
        }
        catch (ArgumentException)
        {
            return "an unparsable address";
        }
    }
}
