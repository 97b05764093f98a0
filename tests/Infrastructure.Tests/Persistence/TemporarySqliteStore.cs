using CleanSse.Application;
using CleanSse.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Infrastructure.Tests.Persistence;

/// <summary>
/// The service's SQLite store in a file of its own, wired as the service wires it, with an interceptor of the test's
/// watching every context; the file goes with it.
/// </summary>
internal sealed class TemporarySqliteStore : IAsyncDisposable
{
    private readonly string _directory;

    private TemporarySqliteStore(string directory, ServiceProvider services)
    {
        _directory = directory;
        Services = services;
    }

    public ServiceProvider Services { get; }

    public static async Task<TemporarySqliteStore> CreateAsync(IInterceptor watcher, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("cleansse-store-").FullName;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Orders"] = $"Data Source={Path.Combine(directory, "orders.db")}",
            })
            .Build();
        var services = new ServiceCollection().AddLogging().AddApplication();
        services.AddInfrastructure(configuration);
        services.AddSingleton(watcher);
        var provider = services.BuildServiceProvider();
        await provider.MigrateOrdersDatabaseAsync(cancellationToken);
        return new TemporarySqliteStore(directory, provider);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
