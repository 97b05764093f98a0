using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CleanSse.Api.FunctionalTests.Support;

/// <summary>
/// The real service on a real Kestrel listener at 127.0.0.1 with a random port, storing its orders in a SQLite file of
/// its own. Settings given here win over appsettings.json; the database file is deleted when the host is disposed,
/// unless it was handed in by the caller (to restart a service on the same store).
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    private readonly Factory _factory;
    private readonly string? _ownedDirectory;
    private bool _stopped;

    private ServiceHost(Factory factory, string databasePath, string? ownedDirectory)
    {
        _factory = factory;
        DatabasePath = databasePath;
        _ownedDirectory = ownedDirectory;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _factory.Services;

    public string DatabasePath { get; }

    public static ServiceHost Start(IReadOnlyDictionary<string, string?>? settings = null, string? databasePath = null)
    {
        string? ownedDirectory = null;
        if (databasePath is null)
        {
            ownedDirectory = Directory.CreateTempSubdirectory("cleansse-tests-").FullName;
            databasePath = Path.Combine(ownedDirectory, "orders.db");
        }

        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings:Orders"] = $"Data Source={databasePath}",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = new Factory(all);
        var host = new ServiceHost(factory, databasePath, ownedDirectory);
        try
        {
            factory.StartServer();
            host.BaseAddress = factory.ListeningAddress();
        }
        catch
        {
            factory.Dispose();
            host.DeleteOwnedFiles();
            throw;
        }

        return host;
    }

    /// <summary>A client of its own (its own connections) for this service.</summary>
    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler(), disposeHandler: true) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public T GetRequiredService<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A graceful stop, as on SIGTERM: the hosted services and the server stop, open requests may finish.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        _stopped = true;
        await _factory.Host.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await StopAsync(stopping.Token);
        }

        await _factory.DisposeAsync();
        DeleteOwnedFiles();
    }

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

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
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

            this.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        }

        protected override IHost CreateHost(IHostBuilder builder)
        {
            _host = base.CreateHost(builder);
            return _host;
        }
    }
}
