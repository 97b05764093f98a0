using CleanSse.Infrastructure.Persistence.Outbox;
using CleanSse.ScaleOut.Tests.TestKit;
using CleanSse.TestKit;

namespace CleanSse.ScaleOut.Tests;

/// <summary>The ordered dispatcher drains a backlog in batches, oldest row first.</summary>
public sealed class OrderedDispatchTests
{
    private const int Backlog = 10_000;
    private const int BatchSize = 500;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_backlog_of_ten_thousand_events_drains_in_full_batches_in_row_order()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(Token);
        var settings = ScaleOutSettings.For(redis, database);
        settings["Outbox:PollInterval"] = "01:00:00";
        var faults = new FaultyEventLog.Switch(AppendFault.FailBeforeAppend);
        await using var host = await ServiceHost.StartAsync(settings, configureServices: FaultyEventLog.Install(faults), cancellationToken: Token);

        // One order committed while the log is unreachable, then as many more waiting rows as an outage would leave.
        var order = await host.Orders.CreateAsync("Waited out an outage", cancellationToken: Token);
        (await database.OutboxRowAsync(order.Id, "order-created", Token))!.Value.Pending.ShouldBeTrue();
        var inserted = await database.ScalarAsync<long>(
            $"""
            WITH copies AS (
              INSERT INTO "OutboxMessages" ("EventId", "Type", "Version", "Payload", "OccurredAt", "Attempts")
              SELECT gen_random_uuid(), "Type", "Version", "Payload", "OccurredAt", 0
              FROM "OutboxMessages", generate_series(1, {Backlog - 1})
              RETURNING 1)
            SELECT count(*) FROM copies
            """,
            Token);
        inserted.ShouldBe(Backlog - 1);
        faults.Fault = AppendFault.None;

        var dispatched = await host.HostedService<OutboxDispatcher>().DispatchPendingAsync(DateTimeOffset.UtcNow.AddMinutes(1), BatchSize, Token);

        // What keeps a drain to seconds is its round trips: one append per batch, not one per event. The time itself
        // belongs to the benchmarks, where a loaded machine cannot fail a build.
        dispatched.ShouldBe(Backlog);
        faults.AppendedBatches.ShouldBe(Enumerable.Repeat(BatchSize, Backlog / BatchSize), "one append per full batch");
        (await database.ScalarAsync<long>("""SELECT count(*) FROM "OutboxMessages" WHERE "DispatchedAt" IS NULL""", Token)).ShouldBe(0);

        // The stream holds them in row order, each under the log id its row recorded.
        var entries = await redis.EntriesAsync();
        entries.Length.ShouldBe(Backlog);
        var keysInRowOrder = await database.ScalarAsync<string>(
            """SELECT string_agg(replace("EventId"::text, '-', '') || '@' || "LogPosition", ',' ORDER BY "Id") FROM "OutboxMessages" """,
            Token);
        string.Join(',', entries.Select(entry => $"{entry["k"]}@{entry.Id}")).ShouldBe(keysInRowOrder);
    }
}
