using CleanSse.Infrastructure.Persistence;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.ScaleOut.Tests;

/// <summary>On PostgreSQL too, rows a previous version stored as stream frames go out after the upgrade, as integration events.</summary>
public sealed class PostgresOutboxMigrationTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_frame_row_waiting_from_before_the_upgrade_is_converted_and_published_once()
    {
        await using var database = await TestDatabase.CreateAsync(Token);
        const string orderJson = """{"id":"0192f0a1b2c34d5e8f90123456789abc","customer":"Before","items":[{"sku":"BOOK-1","quantity":1,"unitPrice":2}],"note":null,"total":2,"status":"paid","createdAt":"2026-11-24T09:30:00Z"}""";
        var options = new DbContextOptionsBuilder<PostgresOrdersDbContext>().UseNpgsql(database.ConnectionString).Options;
        await using (var previous = new PostgresOrdersDbContext(options))
        {
            await previous.GetService<IMigrator>().MigrateAsync("20261124043548_InitialCreate", Token);
            await previous.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "OutboxMessages" ("Key", "Type", "Data", "CreatedAt", "Attempts")
                VALUES ('order:0192f0a1b2c34d5e8f90123456789abc:paid', 'order-updated', {orderJson}, {DateTimeOffset.UtcNow.AddMinutes(-1).UtcTicks}, 0)
                """,
                Token);
        }

        var settings = new Dictionary<string, string?>(ServiceHost.Quiet)
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Orders"] = database.ConnectionString,
        };
        await using var host = await ServiceHost.StartAsync(settings, cancellationToken: Token);

        await Eventually.HoldsAsync(
            async () => await database.OutboxRowAsync("0192f0a1b2c34d5e8f90123456789abc", "order-status-changed", Token) is { Pending: false },
            "the first sweep to publish the converted row",
            cancellationToken: Token);
        (await database.ScalarAsync<int>("""SELECT "Version" FROM "OutboxMessages" """, Token)).ShouldBe(1);
        var published = (await host.Services.GetRequiredService<IEventLog>().ReadAfterAsync(EventPosition.Origin, 10, Token)).ShouldHaveSingleItem();
        published.Type.ShouldBe("order-updated");
        published.Data.ShouldBe(orderJson);
    }
}
