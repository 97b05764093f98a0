using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using CleanSse.EndToEnd.Tests.TestKit;
using CleanSse.TestKit;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CleanSse.EndToEnd.Tests;

/// <summary>The dashboard against one running service, in real Chromium: what a person sees and does.</summary>
public sealed class DashboardTests(BrowserFixture browser, SqliteServiceProcess service) : IClassFixture<SqliteServiceProcess>
{
    [Fact]
    public async Task An_order_created_in_one_tab_appears_in_the_other_through_its_event_stream_without_a_reload()
    {
        await using var session = await browser.NewSessionAsync();
        var first = await session.OpenDashboardAsync(service.BaseAddress);
        var second = await session.OpenDashboardAsync(service.BaseAddress);
        var listLoads = second.CountRequests("GET", "/api/orders");
        var customer = Names.Unique("Ada Lovelace");

        await first.FillOrderAsync(customer, sku: "BOOK-1", quantity: "2", unitPrice: "12.50", note: "gift wrap");
        await first.SubmitAsync();

        // How fast is the benchmarks' question (the first order after start reaching an open stream); here, that it
        // arrives at all without the page asking for the list again.
        await Expect(second.Row(customer)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(second.Row(customer)).ToContainTextAsync("2 × BOOK-1");
        await Expect(second.Row(customer)).ToContainTextAsync("$25.00");
        await Expect(second.Row(customer)).ToContainTextAsync("gift wrap");
        await Expect(second.Row(customer).Locator(".badge")).ToHaveTextAsync("new");
        await Expect(second.Row(customer)).ToHaveAttributeAsync("data-order-id", await first.Row(customer).GetAttributeAsync("data-order-id") ?? "?");
        listLoads().ShouldBe(0, "the second tab got the order from its EventSource, not by reloading the list");
        session.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Hostile_input_is_shown_as_text_wherever_the_order_comes_from()
    {
        await using var session = await browser.NewSessionAsync();
        var author = await session.OpenDashboardAsync(service.BaseAddress);
        var watcher = await session.OpenDashboardAsync(service.BaseAddress);
        var customer = $"<img src=x onerror=window.__xss=1> {Guid.NewGuid().ToString("N")[..6]}";
        const string note = "<script>window.__xss=2</script><b>bold</b>";

        await author.FillOrderAsync(customer, note: note);
        await author.SubmitAsync();

        // The author renders the service's answer, the watcher the stream's event, and the reloaded watcher the list.
        await AssertShownAsTextAsync(author);
        await AssertShownAsTextAsync(watcher);
        await watcher.Page.ReloadAsync();
        await Expect(watcher.Connection).ToHaveTextAsync("live", new() { Timeout = 15_000 });
        await AssertShownAsTextAsync(watcher);
        session.ScriptErrors.ShouldBeEmpty();

        async Task AssertShownAsTextAsync(Dashboard dashboard)
        {
            var row = dashboard.Row(customer);
            await Expect(row.Locator(".customer")).ToHaveTextAsync(customer, new() { Timeout = Dashboard.UpdateTimeout });
            await Expect(row).ToContainTextAsync(note);
            await Expect(dashboard.Page.Locator("#orders img, #orders script, #orders b")).ToHaveCountAsync(0);
            (await dashboard.Page.EvaluateAsync<bool>("() => window.__xss === undefined")).ShouldBeTrue();
        }
    }

    [Fact]
    public async Task The_form_checks_the_service_rules_before_sending()
    {
        await using var session = await browser.NewSessionAsync();
        var dashboard = await session.OpenDashboardAsync(service.BaseAddress);
        var posts = dashboard.CountRequests("POST", "/api/orders");

        await dashboard.FillOrderAsync(customer: "   ", sku: new string('S', 65), quantity: "1.5", unitPrice: "-1", note: new string('n', 501));
        await dashboard.SubmitAsync();

        await Expect(dashboard.FieldError("customer")).ToHaveTextAsync("Enter the customer.");
        await Expect(dashboard.FieldError("items[0].sku")).ToHaveTextAsync("At most 64 characters.");
        await Expect(dashboard.FieldError("items[0].quantity")).ToHaveTextAsync("Enter a whole number.");
        await Expect(dashboard.FieldError("items[0].unitPrice")).ToHaveTextAsync("Cannot be negative.");
        await Expect(dashboard.FieldError("note")).ToHaveTextAsync("At most 500 characters.");
        await Expect(dashboard.Field("Customer")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(dashboard.Field("Customer")).ToBeFocusedAsync();

        await dashboard.Field("Quantity").FillAsync("1001");
        await Expect(dashboard.FieldError("items[0].quantity")).ToHaveTextAsync("Between 1 and 1000.");
        await dashboard.Field("Quantity").FillAsync("1000");
        await Expect(dashboard.FieldError("items[0].quantity")).ToBeEmptyAsync();
        await Expect(dashboard.Field("Quantity")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        posts().ShouldBe(0, "nothing is sent while the form breaks the rules");

        var customer = Names.Unique("Grace Hopper");
        await dashboard.FillOrderAsync(customer, sku: new string('S', 64), quantity: "1000", unitPrice: "0", note: new string('n', 500));
        await dashboard.SubmitAsync();
        await Expect(dashboard.Row(customer)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.Page.Locator("[data-error-for]:not(:empty)")).ToHaveCountAsync(0);
        posts().ShouldBe(1);
        session.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_service_validation_errors_are_shown_next_to_their_fields()
    {
        await using var session = await browser.NewSessionAsync();
        var dashboard = await session.OpenDashboardAsync(service.BaseAddress);

        // A request the form would never send, as an older page or a changed rule would: the real service answers.
        await dashboard.Page.RouteAsync("**/api/orders", async route =>
        {
            var body = JsonNode.Parse(route.Request.PostData ?? "{}")!;
            body["customer"] = new string('c', 101);
            body["items"]![0]!["quantity"] = 0;
            await route.ContinueAsync(new() { PostData = Encoding.UTF8.GetBytes(body.ToJsonString()) });
        });
        await dashboard.FillOrderAsync("Edsger Dijkstra");
        await dashboard.SubmitAsync();

        await Expect(dashboard.FieldError("customer")).ToContainTextAsync("100", new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.FieldError("items[0].quantity")).Not.ToBeEmptyAsync();
        await Expect(dashboard.FieldError("items[0].sku")).ToBeEmptyAsync();
        await Expect(dashboard.Field("Customer")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(dashboard.Field("Quantity")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Create order" })).Not.ToHaveAttributeAsync("aria-disabled", "true");
        session.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task On_a_phone_sized_screen_nothing_scrolls_sideways()
    {
        await using var session = await browser.NewSessionAsync(width: 390, height: 844);
        var dashboard = await session.OpenDashboardAsync(service.BaseAddress);
        var customer = Names.Unique("Hubert Blaine Wolfeschlegelsteinhausenbergerdorff with a long note");

        await dashboard.FillOrderAsync(customer, sku: "SKU-WITH-A-RATHER-LONG-NAME-0123456789", note: new string('x', 200));
        await dashboard.SubmitAsync();

        await Expect(dashboard.Row(customer)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        (await dashboard.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"))
            .ShouldBeTrue("the page is no wider than the screen");
        var button = dashboard.Row(customer).GetByRole(AriaRole.Button, new() { Name = "Cancel" });
        await button.ScrollIntoViewIfNeededAsync();
        var box = (await button.BoundingBoxAsync()).ShouldNotBeNull();
        (box.X + box.Width).ShouldBeLessThanOrEqualTo(390, "the row's last button is on the screen");
        await dashboard.Page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Output, "dashboard-phone.png"), FullPage = true });
        session.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Axe_finds_no_accessibility_violations_with_orders_and_errors_on_screen()
    {
        await using var session = await browser.NewSessionAsync();
        var dashboard = await session.OpenDashboardAsync(service.BaseAddress);
        var customer = Names.Unique("Barbara Liskov");
        await service.Orders.CreateAsync(customer, new ApiOrderLine("SUBSTITUTION-KIT", 2, 19.95m), "leave at the door", cancellationToken: TestContext.Current.CancellationToken);
        await Expect(dashboard.Row(customer)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        await dashboard.FillOrderAsync(customer: "", quantity: "0");
        await dashboard.SubmitAsync();
        await Expect(dashboard.FieldError("customer")).Not.ToBeEmptyAsync();
        await dashboard.SettleAsync();

        var result = await dashboard.Page.RunAxe();

        result.Passes.ShouldContain(rule => rule.Id == "color-contrast", "axe ran its checks");
        result.Violations.ShouldBeEmpty(string.Join(
            '\n',
            result.Violations.Select(violation => $"{violation.Id}: {violation.Help} at {string.Join(", ", violation.Nodes.Select(node => node.Target))}")));
        session.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_indicator_shows_offline_while_the_browser_has_no_network()
    {
        await using var session = await browser.NewSessionAsync();
        var dashboard = await session.OpenDashboardAsync(service.BaseAddress);

        await session.Context.SetOfflineAsync(true);
        await Expect(dashboard.Connection).ToHaveTextAsync("offline", new() { Timeout = Dashboard.UpdateTimeout });

        await session.Context.SetOfflineAsync(false);
        await Expect(dashboard.Connection).ToHaveTextAsync("live", new() { Timeout = Dashboard.RecoveryTimeout });
        session.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_pages_files_are_revalidated_on_every_load_so_a_deploy_never_mixes_old_and_new_modules()
    {
        await using var session = await browser.NewSessionAsync();
        var dashboard = await session.OpenDashboardAsync(service.BaseAddress);
        var cacheControl = new ConcurrentDictionary<string, string>();
        dashboard.Page.Response += (_, response) =>
        {
            var path = new Uri(response.Url).AbsolutePath;
            if (path == "/" || path.EndsWith(".js", StringComparison.Ordinal) || path.EndsWith(".css", StringComparison.Ordinal))
            {
                cacheControl[path] = response.Headers.GetValueOrDefault("cache-control", "(none)");
            }
        };

        await dashboard.Page.ReloadAsync();
        await Expect(dashboard.Connection).ToHaveTextAsync("live", new() { Timeout = 15_000 });

        cacheControl.Keys.ShouldBe(
            ["/", "/app.css", "/app.js", "/auth.js", "/chart.js", "/form.js", "/limits.js", "/orders.js", "/stream.js", "/stream-hub.js", "/view.js"],
            ignoreOrder: true);
        cacheControl.ShouldAllBe(entry => entry.Value == "no-cache");

        // The shared worker's script is fetched by the worker, not the page: it is revalidated all the same.
        var worker = await dashboard.Page.APIRequest.GetAsync(new Uri(service.BaseAddress, "/stream-worker.js").ToString());
        worker.Status.ShouldBe(200);
        worker.Headers.GetValueOrDefault("cache-control").ShouldBe("no-cache");
    }

    [Fact]
    public async Task Status_buttons_offer_only_the_allowed_changes_and_every_tab_follows_them()
    {
        await using var session = await browser.NewSessionAsync();
        var clerk = await session.OpenDashboardAsync(service.BaseAddress);
        var watcher = await session.OpenDashboardAsync(service.BaseAddress);
        var customer = Names.Unique("Alan Turing");
        await service.Orders.CreateAsync(customer, new ApiOrderLine("ENIGMA-KIT", 1, 99m), cancellationToken: TestContext.Current.CancellationToken);

        var row = clerk.Row(customer);
        await Expect(row.GetByRole(AriaRole.Button)).ToHaveTextAsync(["Mark paid", "Cancel"], new() { Timeout = Dashboard.UpdateTimeout });

        // With the keyboard: focus the button and press Enter.
        await row.GetByRole(AriaRole.Button, new() { Name = "Mark paid" }).FocusAsync();
        await clerk.Page.Keyboard.PressAsync("Enter");
        await Expect(watcher.Row(customer).Locator(".badge")).ToHaveTextAsync("paid", new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(watcher.Row(customer).GetByRole(AriaRole.Button)).ToHaveTextAsync(["Mark shipped", "Cancel"]);
        await Expect(clerk.Page.Locator("#announcer")).ToContainTextAsync("paid");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Mark shipped" })).ToBeFocusedAsync();

        await watcher.Row(customer).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(row.Locator(".badge")).ToHaveTextAsync("cancelled", new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(watcher.Row(customer).GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        session.ScriptErrors.ShouldBeEmpty();
    }
}
