using CleanSse.Infrastructure.Persistence.Outbox;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CleanSse.ScaleOut.Tests.Infrastructure;

/// <summary>
/// The real application, served by Kestrel on 127.0.0.1 and a port of its own, with configuration overrides (they
/// reach the app as command-line arguments, so they win over appsettings) and optional service replacements.
/// </summary>
public sealed class AppHost : WebApplicationFactory<Program>
{
    // The factory finds the app's host through process-wide hosting diagnostics: two hosts starting at the same time
    // could each capture the other's. Starts are one at a time.
    private static readonly SemaphoreSlim StartGate = new(1, 1);

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;

    private AppHost(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices)
    {
        _settings = settings;
        _configureServices = configureServices;
        UseKestrel(0);
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A client of this instance (its own connection pool).</summary>
    public HttpClient Http { get; private set; } = null!;

    public OrdersApi Orders => new(Http);

    /// <summary>Settings of an instance that shares a Redis and a PostgreSQL database with others.</summary>
    public static Dictionary<string, string?> ScaledOut(string redisConnectionString, string keyPrefix, TestDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return new Dictionary<string, string?>(Quiet)
        {
            ["ConnectionStrings:Redis"] = redisConnectionString,
            ["Realtime:KeyPrefix"] = keyPrefix,
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Orders"] = database.ConnectionString,
        };
    }

    public static Dictionary<string, string?> ScaledOut(RedisTestKeys redis, TestDatabase database)
    {
        ArgumentNullException.ThrowIfNull(redis);
        return ScaledOut(redis.ConnectionString, redis.Prefix, database);
    }

    /// <summary>Logging kept to warnings, so test output shows what matters.</summary>
    public static IReadOnlyDictionary<string, string?> Quiet { get; } = new Dictionary<string, string?>
    {
        ["Serilog:MinimumLevel:Default"] = "Warning",
        ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Warning",
        ["Serilog:MinimumLevel:Override:Microsoft.EntityFrameworkCore"] = "Warning",
        ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Warning",
    };

    public static async Task<AppHost> StartAsync(
        IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken, Action<IServiceCollection>? configureServices = null)
    {
        var host = new AppHost(settings, configureServices);
        await StartGate.WaitAsync(cancellationToken);
        try
        {
            await Task.Run(host.StartServer, cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        finally
        {
            StartGate.Release();
        }

        var addresses = host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        host.BaseAddress = new Uri(addresses.Single(address => address.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
        host.Http = new HttpClient { BaseAddress = host.BaseAddress };
        return host;
    }

    /// <summary>The outbox sweeper of this instance, to run a sweep on demand.</summary>
    internal OutboxDispatcher OutboxDispatcher => Services.GetServices<IHostedService>().OfType<OutboxDispatcher>().Single();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_configureServices is not null)
        {
            builder.ConfigureTestServices(_configureServices);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        await base.DisposeAsync();
    }
}
