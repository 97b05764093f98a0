using CleanSse.Application;
using CleanSse.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Infrastructure.Tests.Persistence;

/// <summary>The store the service writes to: SQLite (the default) or PostgreSQL.</summary>
public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The service's store in a database of its own (a SQLite file, or a PostgreSQL database from
/// <c>CLEANSSE_TEST_POSTGRES</c>), wired as the service wires it, with an interceptor of the test's watching every
/// context; the database goes with it.
/// </summary>
internal sealed class TemporaryStore : IAsyncDisposable
{
    private readonly string? _directory;
    private readonly TestDatabase? _database;

    private TemporaryStore(string? directory, TestDatabase? database, ServiceProvider services)
    {
        _directory = directory;
        _database = database;
        Services = services;
    }

    public ServiceProvider Services { get; }

    public static Task<TemporaryStore> CreateAsync(IInterceptor watcher, CancellationToken cancellationToken) =>
        CreateAsync(StoreKind.Sqlite, watcher, cancellationToken);

    public static async Task<TemporaryStore> CreateAsync(StoreKind kind, IInterceptor watcher, CancellationToken cancellationToken)
    {
        string? directory = null;
        TestDatabase? database = null;
        Dictionary<string, string?> settings;
        if (kind == StoreKind.Postgres)
        {
            database = await TestDatabase.CreateAsync(cancellationToken);
            settings = new() { ["Database:Provider"] = "Postgres", ["ConnectionStrings:Orders"] = database.ConnectionString };
        }
        else
        {
            directory = Directory.CreateTempSubdirectory("cleansse-store-").FullName;
            settings = new() { ["ConnectionStrings:Orders"] = $"Data Source={Path.Combine(directory, "orders.db")}" };
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddApplication();
        services.AddInfrastructure(configuration);
        services.AddSingleton(watcher);
        var provider = services.BuildServiceProvider();
        await provider.MigrateOrdersDatabaseAsync(cancellationToken);
        return new TemporaryStore(directory, database, provider);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
