using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CleanSse.TestKit;

/// <summary>
/// The real service in the test process, on a real Kestrel listener at 127.0.0.1 and a port of its own, storing its
/// orders in a SQLite file of its own unless the settings name another store. Settings given here win over
/// appsettings.json; services can be replaced. The database file is deleted when the host is disposed, unless the
/// caller handed it in (to restart a service on the same store).
/// </summary>
public sealed class ServiceHost : IRunningService, IAsyncDisposable
{
    // The factory finds the app's host through process-wide hosting diagnostics: two hosts starting at the same time
    // could each capture the other's. Starts are one at a time.
    private static readonly SemaphoreSlim StartGate = new(1, 1);

    private readonly Factory _factory;
    private readonly string? _ownedDirectory;
    private HttpClient? _http;
    private bool _stopped;

    private ServiceHost(Factory factory, string databasePath, string? ownedDirectory)
    {
        _factory = factory;
        DatabasePath = databasePath;
        _ownedDirectory = ownedDirectory;
    }

    /// <summary>Logging kept to warnings, so test output shows what matters.</summary>
    public static IReadOnlyDictionary<string, string?> Quiet { get; } = new Dictionary<string, string?>
    {
        ["Serilog:MinimumLevel:Default"] = "Warning",
        ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Warning",
        ["Serilog:MinimumLevel:Override:Microsoft.EntityFrameworkCore"] = "Warning",
        ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Warning",
    };

    public Uri BaseAddress => Clients.BaseAddress;

    public ServiceClients Clients { get; private set; } = null!;

    public HttpClient Http => _http ??= Clients.Create();

    public OrdersApiClient Orders => new(Http);

    public IServiceProvider Services => _factory.Services;

    /// <summary>The SQLite file the host was given or made (unused when the settings choose PostgreSQL).</summary>
    public string DatabasePath { get; }

    /// <param name="settings">Configuration that wins over appsettings.json, e.g. <c>Realtime:HeartbeatInterval</c>.</param>
    /// <param name="databasePath">A SQLite file to reuse (a restart); a new one in a temporary folder when null.</param>
    /// <param name="configureServices">Replaces services after the app registered its own.</param>
    public static async Task<ServiceHost> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null,
        string? databasePath = null,
        Action<IServiceCollection>? configureServices = null,
        CancellationToken cancellationToken = default)
    {
        string? ownedDirectory = null;
        if (databasePath is null)
        {
            ownedDirectory = Directory.CreateTempSubdirectory("cleansse-tests-").FullName;
            databasePath = Path.Combine(ownedDirectory, "orders.db");
        }

        var all = new Dictionary<string, string?>(Quiet, StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings:Orders"] = $"Data Source={databasePath}",
            // The suites write far faster than any user could; the limit on writes has tests of its own, which set it.
            ["RateLimiting:Enabled"] = "false",
        };
        foreach (var (key, value) in TestUsers.StaffSettings)
        {
            all[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = new Factory(all, configureServices);
        var host = new ServiceHost(factory, databasePath, ownedDirectory);
        await StartGate.WaitAsync(cancellationToken);
        try
        {
            await Task.Run(factory.StartServer, cancellationToken);
            host.Clients = new ServiceClients(factory.ListeningAddress());
            await host.Clients.SignInAsync(TestUsers.Staff, cancellationToken);
        }
        catch
        {
            await factory.DisposeAsync();
            host.DeleteOwnedFiles();
            throw;
        }
        finally
        {
            StartGate.Release();
        }

        return host;
    }

    /// <summary>A client of its own (its own connections) for this service.</summary>
    public HttpClient CreateClient() => Clients.Create();

    public T GetRequiredService<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>The running hosted service of type <typeparamref name="T"/>, e.g. to run a sweep on demand.</summary>
    public T HostedService<T>()
        where T : IHostedService => Services.GetServices<IHostedService>().OfType<T>().Single();

    /// <summary>A graceful stop, as on SIGTERM: the hosted services and the server stop, open requests may finish.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        _stopped = true;
        await _factory.Host.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (!_stopped)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await StopAsync(stopping.Token);
            }
            catch (Exception exception) when (stopping.IsCancellationRequested)
            {
                throw new InvalidOperationException($"The service did not stop within 10 s; still running: {StillRunning()}.", exception);
            }
        }

        await _factory.DisposeAsync();
        DeleteOwnedFiles();
    }

    private string StillRunning() =>
        string.Join(", ", Services.GetServices<IHostedService>()
            .OfType<BackgroundService>()
            .Where(service => service.ExecuteTask is { IsCompleted: false })
            .Select(service => service.GetType().Name)
            .DefaultIfEmpty("none of the background services"));

    private void DeleteOwnedFiles()
    {
        if (_ownedDirectory is null)
        {
            return;
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_ownedDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pooled handle; the temp directory is cleaned by the system later.
        }
    }

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices)
        : WebApplicationFactory<Program>
    {
        private IHost? _host;

        public IHost Host => _host ?? throw new InvalidOperationException("The host has not been built yet.");

        public Uri ListeningAddress()
        {
            var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
            return new Uri(addresses.Single());
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            if (configureServices is not null)
            {
                builder.ConfigureTestServices(configureServices);
            }

            this.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        }

        protected override IHost CreateHost(IHostBuilder builder)
        {
            _host = base.CreateHost(builder);
            return _host;
        }
    }
}
