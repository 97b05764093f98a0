using System.Data.Common;
using CleanSse.Application;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace CleanSse.Infrastructure.Tests.Persistence;

/// <summary>The database's health check, as load balancers poll it: often, and each poll cheap.</summary>
public sealed class OrdersDatabaseHealthCheckTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cleansse-health-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly OpenCounter _opens = new();
    private ServiceProvider _services = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Orders"] = $"Data Source={Path.Combine(_directory, "orders.db")}",
            })
            .Build();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_clock).AddLogging().AddApplication();
        services.AddInfrastructure(configuration);
        services.AddSingleton<IInterceptor>(_opens);
        _services = services.BuildServiceProvider();
        await _services.MigrateOrdersDatabaseAsync(Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Polls_within_a_second_share_one_probe_of_the_database()
    {
        // Issue 13: every poll of /healthz opened the SQLite file anew, hundreds of microseconds each.
        var health = _services.GetRequiredService<HealthCheckService>();
        var before = _opens.Count;
        for (var poll = 0; poll < 20; poll++)
        {
            (await health.CheckHealthAsync(Token)).Status.ShouldBe(HealthStatus.Healthy);
            _clock.Advance(TimeSpan.FromMilliseconds(40));
        }

        (_opens.Count - before).ShouldBe(1, "20 polls in 0.8 s: one probe");

        _clock.Advance(TimeSpan.FromSeconds(1));
        (await health.CheckHealthAsync(Token)).Status.ShouldBe(HealthStatus.Healthy);
        (_opens.Count - before).ShouldBe(2, "a poll a second later probes again");
    }

    private sealed class OpenCounter : DbConnectionInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Interlocked.Increment(ref _count);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }
    }
}
