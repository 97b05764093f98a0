using CleanSse.EndToEnd.Tests.TestKit;
using CleanSse.TestKit;
using static Microsoft.Playwright.Assertions;

namespace CleanSse.EndToEnd.Tests;

/// <summary>
/// Two instances sharing a Redis event log and a PostgreSQL database behind a switchable TCP proxy: the instance the
/// page streams from dies, the proxy sends the page to the other, and the page is made whole by replay.
/// </summary>
public sealed class ScaleOutTests(BrowserFixture browser)
{
    [Fact]
    public async Task When_its_instance_dies_the_page_moves_to_another_and_shows_every_order_created_meanwhile()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(TestContext.Current.CancellationToken);
        var environment = ScaleOutSettings.EnvironmentFor(redis, database);
        await using var a = new ServiceProcess("instance A", environment);
        await using var b = new ServiceProcess("instance B", environment);
        await a.StartAsync(TestContext.Current.CancellationToken);
        await b.StartAsync(TestContext.Current.CancellationToken);
        await using var proxy = CuttingProxy.Start(a);
        await using var session = await browser.NewSessionAsync();
        var dashboard = await session.OpenDashboardAsync(proxy.BaseAddress);

        // Through A, and from B: the shared log brings B's order to the stream A serves.
        var viaPage = Names.Unique("Via the page");
        await dashboard.FillOrderAsync(viaPage);
        await dashboard.SubmitAsync();
        var viaB = Names.Unique("Via B");
        await b.Orders.CreateAsync(viaB, cancellationToken: TestContext.Current.CancellationToken);
        await Expect(dashboard.Row(viaPage)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.Row(viaB)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        var listLoads = dashboard.CountRequests("GET", "/api/orders");

        await a.KillAsync();
        await Expect(dashboard.Connection).ToHaveTextAsync("reconnecting", new() { Timeout = 10_000 });
        string[] meanwhile = [Names.Unique("Meanwhile 1"), Names.Unique("Meanwhile 2"), Names.Unique("Meanwhile 3")];
        foreach (var customer in meanwhile)
        {
            await b.Orders.CreateAsync(customer, cancellationToken: TestContext.Current.CancellationToken);
        }

        proxy.SwitchTo(b);

        await Expect(dashboard.Connection).ToHaveTextAsync("live", new() { Timeout = Dashboard.RecoveryTimeout });
        foreach (var customer in meanwhile)
        {
            await Expect(dashboard.Row(customer)).ToBeVisibleAsync(new() { Timeout = 10_000 });
        }

        await Expect(dashboard.Rows).ToHaveCountAsync(5);
        await Expect(dashboard.OrderCount).ToHaveTextAsync("5");
        listLoads().ShouldBe(0, "B knew the page's Last-Event-ID and replayed what it missed: no reload was needed");

        var afterwards = Names.Unique("After the move");
        await b.Orders.CreateAsync(afterwards, cancellationToken: TestContext.Current.CancellationToken);
        await Expect(dashboard.Row(afterwards)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        session.ScriptErrors.ShouldBeEmpty();
    }
}
