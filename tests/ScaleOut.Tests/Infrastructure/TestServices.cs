using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Npgsql;
using StackExchange.Redis;

namespace CleanSse.ScaleOut.Tests.Infrastructure;

/// <summary>
/// The servers the suite needs, named by environment variables. When one is missing or unreachable a test skips
/// with the reason, except in CI (<c>CI=true</c>), where a suite that silently skips would prove nothing: it fails.
/// </summary>
public static class TestServices
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

    /// <summary>The shared Redis's connection string, once it answers PING.</summary>
    public static async Task<string> RequireRedisAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable(RedisVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Unavailable($"{RedisVariable} is not set (e.g. 127.0.0.1:6379); the scale-out tests need a real Redis.");
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
