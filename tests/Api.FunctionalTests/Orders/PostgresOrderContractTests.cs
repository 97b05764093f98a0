using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Orders;

/// <summary>Paging and racing idempotent repeats on PostgreSQL (CLEANSSE_TEST_POSTGRES), each on a database of its own.</summary>
public sealed class PostgresOrderContractTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Walking_the_pages_meets_every_order_once_while_orders_arrive_on_PostgreSQL()
    {
        await using var database = await TestDatabase.CreateAsync(Cancellation);
        await using var host = await StartAsync(database);

        await OrderContractScenarios.PagingWalksEveryOrderOnceWhileOrdersArriveAsync(host);
    }

    [Fact]
    public async Task Twenty_racing_repeats_create_one_order_and_one_event_on_PostgreSQL()
    {
        await using var database = await TestDatabase.CreateAsync(Cancellation);
        await using var host = await StartAsync(database);

        await OrderContractScenarios.RacingRepeatsCreateOneOrderAndOneEventAsync(host);
        (await database.ScalarAsync<long>("""SELECT count(*) FROM "IdempotencyRecords" """, Cancellation)).ShouldBe(1);
    }

    [Fact]
    public async Task Stats_are_computed_by_PostgreSQL()
    {
        await using var database = await TestDatabase.CreateAsync(Cancellation);
        await using var host = await StartAsync(database);
        var kept = await host.Orders.CreateAsync("Ada", new ApiOrderLine("A", 3, 0.335m), cancellationToken: Cancellation);
        var cancelled = await host.Orders.CreateAsync("Grace", new ApiOrderLine("B", 1, 7m), cancellationToken: Cancellation);
        await host.Orders.ChangeStatusAsync(cancelled.Id, "cancelled", Cancellation);

        var stats = await host.Orders.GetStatsAsync(Cancellation);

        stats["count"]!.GetValue<int>().ShouldBe(2);
        stats["revenue"]!.GetValue<decimal>().ShouldBe(kept.Total);
        stats["byStatus"]!["cancelled"]!.GetValue<int>().ShouldBe(1);
        stats["perMinute"]!.AsArray().Sum(minute => minute!["count"]!.GetValue<int>()).ShouldBe(2);
    }

    private static Task<ServiceHost> StartAsync(TestDatabase database) =>
        ServiceHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Postgres",
                ["ConnectionStrings:Orders"] = database.ConnectionString,
            },
            cancellationToken: Cancellation);
}
