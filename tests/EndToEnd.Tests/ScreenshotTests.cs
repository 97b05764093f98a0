using CleanSse.EndToEnd.Tests.TestKit;
using CleanSse.TestKit;
using static Microsoft.Playwright.Assertions;

namespace CleanSse.EndToEnd.Tests;

/// <summary>The dashboard with a few orders, as the README shows it: written to docs/dashboard.png on every run.</summary>
public sealed class ScreenshotTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly SqliteServiceProcess _service = new();

    public ValueTask InitializeAsync() => _service.InitializeAsync();

    public ValueTask DisposeAsync() => _service.DisposeAsync();

    [Fact]
    public async Task The_dashboard_with_a_few_orders_is_written_to_docs()
    {
        var orders = _service.Orders;
        await orders.CreateAsync("Ada Lovelace", new ApiOrderLine("BOOK-ANALYTICAL-ENGINE", 2, 12.50m), "gift wrap, please", cancellationToken: TestContext.Current.CancellationToken);
        var grace = await orders.CreateAsync("Grace Hopper", new ApiOrderLine("COBOL-MANUAL", 1, 39.90m), cancellationToken: TestContext.Current.CancellationToken);
        var alan = await orders.CreateAsync("Alan Turing", new ApiOrderLine("ENIGMA-KIT", 1, 149m), cancellationToken: TestContext.Current.CancellationToken);
        var edsger = await orders.CreateAsync("Edsger Dijkstra", new ApiOrderLine("SHORTEST-PATH-MAP", 3, 4.25m), cancellationToken: TestContext.Current.CancellationToken);
        await orders.ChangeStatusAsync(grace.Id, "paid", cancellationToken: TestContext.Current.CancellationToken);
        await orders.ChangeStatusAsync(alan.Id, "paid", cancellationToken: TestContext.Current.CancellationToken);
        await orders.ChangeStatusAsync(alan.Id, "shipped", cancellationToken: TestContext.Current.CancellationToken);
        await orders.ChangeStatusAsync(edsger.Id, "cancelled", cancellationToken: TestContext.Current.CancellationToken);

        await using var session = await browser.NewSessionAsync(width: 1280, height: 800);
        var dashboard = await session.OpenDashboardAsync(_service.BaseAddress);
        await Expect(dashboard.Rows).ToHaveCountAsync(4, new() { Timeout = Dashboard.UpdateTimeout });

        // One more arrives live while the page is open.
        await dashboard.FillOrderAsync("Katherine Johnson", sku: "ORBIT-TABLES", quantity: "5", unitPrice: "7.00", note: "rush");
        await dashboard.SubmitAsync();
        await Expect(dashboard.Rows).ToHaveCountAsync(5, new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.Rows.First).ToContainTextAsync("Katherine Johnson");
        await Expect(dashboard.OrderCount).ToHaveTextAsync("5");
        // 25.00 + 39.90 + 149.00 + 35.00; the cancelled 12.75 does not count.
        await Expect(dashboard.Revenue).ToHaveTextAsync("$248.90");
        await Expect(dashboard.Page.Locator("#chart rect.bar.current")).ToHaveAttributeAsync("height", new System.Text.RegularExpressions.Regex("^[1-9]"));

        // Let the highlight of the newest row fade, so the picture is stable.
        await dashboard.SettleAsync();
        await dashboard.Page.Locator("body").ClickAsync(new() { Position = new() { X = 1, Y = 1 } });

        Directory.CreateDirectory(RepoPaths.Docs);
        var path = Path.Combine(RepoPaths.Docs, "dashboard.png");
        await dashboard.Page.ScreenshotAsync(new() { Path = path, FullPage = true });
        new FileInfo(path).Length.ShouldBeGreaterThan(10_000);
        session.ScriptErrors.ShouldBeEmpty();
    }
}
