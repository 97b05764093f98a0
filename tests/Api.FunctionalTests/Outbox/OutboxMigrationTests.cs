using CleanSse.Infrastructure.Persistence;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.TestKit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CleanSse.Api.FunctionalTests.Outbox;

/// <summary>Rows a previous version stored as stream frames still go out after the upgrade, as integration events.</summary>
public sealed class OutboxMigrationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cleansse-migration-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_frame_row_waiting_from_before_the_upgrade_is_converted_and_published_once()
    {
        var databasePath = Path.Combine(_directory, "orders.db");
        const string orderJson = """{"id":"0192f0a1b2c34d5e8f90123456789abc","customer":"Before","items":[{"sku":"BOOK-1","quantity":1,"unitPrice":2}],"note":null,"total":2,"status":"new","createdAt":"2026-11-24T09:30:00Z"}""";
        var options = new DbContextOptionsBuilder<OrdersDbContext>().UseSqlite($"Data Source={databasePath};Pooling=False").Options;
        await using (var previous = new OrdersDbContext(options))
        {
            await previous.GetService<IMigrator>().MigrateAsync("20261124043429_InitialCreate", Token);
            await previous.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "OutboxMessages" ("Key", "Type", "Data", "CreatedAt", "Attempts")
                VALUES ('order:0192f0a1b2c34d5e8f90123456789abc:created', 'new-order', {orderJson}, {DateTimeOffset.UtcNow.AddMinutes(-1).UtcTicks}, 0)
                """,
                Token);
        }

        await using var host = await ServiceHost.StartAsync(databasePath: databasePath, cancellationToken: Token);

        await using var db = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await db.OpenAsync(Token);
        await Eventually.HoldsAsync(async () => await RowAsync(db) == "order-created v1 1", "the first sweep to publish the converted row", cancellationToken: Token);

        var log = host.GetRequiredService<IEventLog>();
        var published = (await log.ReadAfterAsync(EventPosition.Origin, 10, Token)).ShouldHaveSingleItem();
        published.Type.ShouldBe("new-order");
        published.Data.ShouldBe(orderJson);
    }

    private static async Task<string?> RowAsync(SqliteConnection db)
    {
        await using var command = db.CreateCommand();
        command.CommandText = """SELECT "Type" || ' v' || "Version" || ' ' || ("DispatchedAt" IS NOT NULL) FROM "OutboxMessages" """;
        return (string?)await command.ExecuteScalarAsync(Token);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the system's temp cleanup.
        }
    }
}
