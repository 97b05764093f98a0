using CleanSse.EndToEnd.Tests.TestKit;
using CleanSse.TestKit;
using static Microsoft.Playwright.Assertions;

namespace CleanSse.EndToEnd.Tests;

/// <summary>The page while its service goes away and comes back: a real process, stopped and started again.</summary>
public sealed class ResilienceTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly SqliteServiceProcess _service = new();

    public ValueTask InitializeAsync() => _service.InitializeAsync();

    public ValueTask DisposeAsync() => _service.DisposeAsync();

    [Fact]
    public async Task The_indicator_shows_reconnecting_while_the_service_is_down_and_live_once_it_is_back()
    {
        await using var session = await browser.NewSessionAsync();
        var dashboard = await session.OpenDashboardAsync(_service.BaseAddress);

        await _service.Process.StopAsync();
        await Expect(dashboard.Connection).ToHaveTextAsync("reconnecting", new() { Timeout = 10_000 });
        await Expect(dashboard.Connection).ToHaveAttributeAsync("data-state", "reconnecting");

        await _service.Process.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await Expect(dashboard.Connection).ToHaveTextAsync("live", new() { Timeout = Dashboard.RecoveryTimeout });
        session.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task After_a_restart_the_page_shows_every_order_without_anyone_touching_it()
    {
        await using var session = await browser.NewSessionAsync();
        var dashboard = await session.OpenDashboardAsync(_service.BaseAddress);
        var before = Names.Unique("Before restart");
        await _service.Orders.CreateAsync(before, cancellationToken: TestContext.Current.CancellationToken);
        await Expect(dashboard.Row(before)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        var listLoads = dashboard.CountRequests("GET", "/api/orders");

        await _service.Process.StopAsync();
        await Expect(dashboard.Connection).ToHaveTextAsync("reconnecting", new() { Timeout = 10_000 });
        await _service.Process.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        // Most likely created before the page is back: the new process's event log has a new epoch, so the page's
        // Last-Event-ID is unknown there, it gets a reset and reloads the list.
        var whileReconnecting = Names.Unique("While reconnecting");
        await _service.Orders.CreateAsync(whileReconnecting, cancellationToken: TestContext.Current.CancellationToken);
        await Expect(dashboard.Connection).ToHaveTextAsync("live", new() { Timeout = Dashboard.RecoveryTimeout });
        await Expect(dashboard.Row(whileReconnecting)).ToBeVisibleAsync(new() { Timeout = Dashboard.RecoveryTimeout });

        var afterwards = Names.Unique("After reconnect");
        await _service.Orders.CreateAsync(afterwards, cancellationToken: TestContext.Current.CancellationToken);
        await Expect(dashboard.Row(afterwards)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });

        await Expect(dashboard.Rows).ToHaveCountAsync(3);
        await Expect(dashboard.Row(before)).ToBeVisibleAsync();
        await Expect(dashboard.OrderCount).ToHaveTextAsync("3");
        listLoads().ShouldBeGreaterThanOrEqualTo(1, "the reset made the page reload the list");
        session.ScriptErrors.ShouldBeEmpty();
    }
}
