using System.Net;
using System.Text.Json.Nodes;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Orders;

public sealed class OrderStatsFixture : ServiceHostFixture;

/// <summary><c>GET /api/orders/stats</c>: counters over every order the user may see, computed by the database.</summary>
public sealed class OrderStatsTests(OrderStatsFixture fixture) : IClassFixture<OrderStatsFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private OrdersApiClient Orders => fixture.Host.Orders;

    [Fact]
    public async Task Staff_see_counts_revenue_statuses_and_orders_per_minute_over_every_order()
    {
        var before = await Orders.GetStatsAsync(Cancellation);

        var kept = await Orders.CreateAsync("Ada", new ApiOrderLine("A", 2, 12.5m), cancellationToken: Cancellation);
        var paid = await Orders.CreateAsync("Grace", new ApiOrderLine("B", 1, 0.99m), cancellationToken: Cancellation);
        await Orders.ChangeStatusAsync(paid.Id, "paid", Cancellation);
        var cancelled = await Orders.CreateAsync("Edsger", new ApiOrderLine("C", 3, 100m), cancellationToken: Cancellation);
        await Orders.ChangeStatusAsync(cancelled.Id, "cancelled", Cancellation);

        var after = await Orders.GetStatsAsync(Cancellation);

        Count(after, "count").ShouldBe(Count(before, "count") + 3);
        after["revenue"]!.GetValue<decimal>().ShouldBe(before["revenue"]!.GetValue<decimal>() + kept.Total + paid.Total);
        foreach (var (status, added) in new[] { ("new", 1), ("paid", 1), ("shipped", 0), ("cancelled", 1) })
        {
            Count(after["byStatus"]!, status).ShouldBe(Count(before["byStatus"]!, status) + added, status);
        }

        var minutes = after["perMinute"]!.AsArray();
        minutes.Sum(minute => minute!["count"]!.GetValue<int>()).ShouldBe(before["perMinute"]!.AsArray().Sum(minute => minute!["count"]!.GetValue<int>()) + 3);
        var newest = minutes[^1]!;
        var minuteText = newest["minute"]!.GetValue<string>();
        minuteText.ShouldEndWith(":00Z");
        DateTimeOffset.Parse(minuteText, System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow);
        minutes.Select(minute => minute!["minute"]!.GetValue<string>()).ShouldBe(minutes.Select(minute => minute!["minute"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        minutes.ShouldAllBe(minute => minute!["count"]!.GetValue<int>() > 0);
    }

    [Fact]
    public async Task A_customer_sees_stats_of_their_own_orders_only()
    {
        await Orders.CreateAsync("staff's own", cancellationToken: Cancellation);
        var customer = TestUsers.NewCustomer();
        await fixture.Host.Clients.RegisterAsync(customer, Cancellation);
        using var http = fixture.Host.Clients.CreateFor(await fixture.Host.Clients.LoginAsync(customer, Cancellation));
        var theirs = new OrdersApiClient(http);

        var empty = await theirs.GetStatsAsync(Cancellation);
        JsonNode.DeepEquals(empty, JsonNode.Parse("""{"count":0,"revenue":0,"byStatus":{"new":0,"paid":0,"shipped":0,"cancelled":0},"perMinute":[]}""")).ShouldBeTrue(empty.ToJsonString());

        var first = await theirs.CreateAsync("mine", new ApiOrderLine("A", 1, 10m), cancellationToken: Cancellation);
        var second = await theirs.CreateAsync("mine too", new ApiOrderLine("A", 1, 5m), cancellationToken: Cancellation);
        await theirs.ChangeStatusAsync(second.Id, "cancelled", Cancellation);

        var stats = await theirs.GetStatsAsync(Cancellation);
        Count(stats, "count").ShouldBe(2);
        stats["revenue"]!.GetValue<decimal>().ShouldBe(first.Total);
        Count(stats["byStatus"]!, "new").ShouldBe(1);
        Count(stats["byStatus"]!, "cancelled").ShouldBe(1);
        stats["perMinute"]!.AsArray().Sum(minute => minute!["count"]!.GetValue<int>()).ShouldBe(2);
        Count(await Orders.GetStatsAsync(Cancellation), "count").ShouldBeGreaterThan(2);
    }

    [Fact]
    public async Task Stats_need_a_signed_in_user()
    {
        using var anonymous = fixture.Host.Clients.CreateAnonymous();

        using var response = await anonymous.GetAsync(new Uri($"{OrdersApiClient.OrdersPath}/stats", UriKind.Relative), Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    private static int Count(JsonNode node, string name) => node[name]!.GetValue<int>();
}
