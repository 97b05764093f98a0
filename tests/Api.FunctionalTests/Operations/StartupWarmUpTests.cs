using CleanSse.Infrastructure.Persistence.Outbox;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.TestKit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CleanSse.Api.FunctionalTests.Operations;

/// <summary>
/// Start-up runs an order's path before the host listens (its insert rolled back, an empty batch through the
/// publication, the command's behaviours around a stand-in for its handler), and none of it is seen afterwards.
/// </summary>
public sealed class StartupWarmUpTests(StartupWarmUpTests.Fixture fixture) : IClassFixture<StartupWarmUpTests.Fixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_warm_up_leaves_no_order_no_outbox_row_and_no_event_and_the_first_order_streams_next()
    {
        // Issue 13: the first order after start waited for its path to be compiled; start-up now runs more of it.
        await using (var db = new SqliteConnection($"Data Source={fixture.Host.DatabasePath};Pooling=False"))
        {
            await db.OpenAsync(Token);
            (await CountAsync(db, "Orders")).ShouldBe(0);
            (await CountAsync(db, "OutboxMessages")).ShouldBe(0);
        }

        var log = fixture.Host.Services.GetRequiredService<IEventLog>();
        (await log.GetHeadAsync(Token)).Position.ShouldBe(EventPosition.Origin, "no event was appended at start");
        fixture.Host.Services.GetServices<IHostedService>().OfType<OutboxDispatcher>().Single().HandedInCount.ShouldBe(0);

        await using var stream = await SseReader.OpenAsync(fixture.Host);
        (await stream.ReadEventAsync()).Data.ShouldBe("""{"type":"connected"}""");
        var created = await fixture.Host.Orders.CreateAsync("first after start", cancellationToken: Token);

        var first = await stream.ReadEventAsync();
        first.EventType.ShouldBe("new-order");
        OrdersApiClient.SameJson(created.Json, first.Data).ShouldBeTrue(stream.Transcript);
    }

    private static async Task<long> CountAsync(SqliteConnection db, string table)
    {
        await using var command = db.CreateCommand();
        command.CommandText = $"""SELECT COUNT(*) FROM "{table}" """;
        return (long)(await command.ExecuteScalarAsync(Token))!;
    }

    /// <summary>A service of its own, which nothing else writes to.</summary>
    public sealed class Fixture : ServiceHostFixture;
}
