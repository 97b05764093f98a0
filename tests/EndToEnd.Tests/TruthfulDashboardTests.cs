using System.Globalization;
using System.Text;
using CleanSse.EndToEnd.Tests.TestKit;
using CleanSse.TestKit;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CleanSse.EndToEnd.Tests;

/// <summary>
/// The dashboard tells the truth: what failed is shown, counters count every order, orders have several lines, and
/// the list pages and filters on the service. Every page here runs under a strict Content-Security-Policy.
/// </summary>
public sealed class TruthfulDashboardTests(BrowserFixture browser, SqliteServiceProcess service) : IClassFixture<SqliteServiceProcess>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_failed_list_load_is_shown_with_the_services_words_and_never_as_no_orders()
    {
        await using var session = await browser.NewSessionAsync();
        await session.EnforceStrictContentSecurityPolicyAsync();
        var failing = true;
        await session.Context.RouteAsync(
            url => new Uri(url).AbsolutePath == OrdersApiClient.OrdersPath,
            async route =>
            {
                if (!failing || route.Request.Method != "GET")
                {
                    await route.FallbackAsync();
                    return;
                }

                await route.FulfillAsync(new()
                {
                    Status = 503,
                    ContentType = "application/problem+json",
                    Body = """{"type":"https://tools.ietf.org/html/rfc9110#section-15.6.4","title":"Service Unavailable","status":503,"detail":"The orders database is not answering."}""",
                });
            });
        await service.Orders.CreateAsync(Names.Unique("Exists"), cancellationToken: Cancellation);

        var dashboard = await session.OpenDashboardAsync(service.BaseAddress);

        await Expect(dashboard.LoadError).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.LoadError).ToContainTextAsync("The orders could not be loaded.");
        await Expect(dashboard.LoadError).ToContainTextAsync("The orders database is not answering.");
        await Expect(dashboard.LoadError).ToHaveAttributeAsync("role", "alert");
        await Expect(dashboard.Empty).ToBeHiddenAsync();
        await Expect(dashboard.Page.GetByText("No orders yet")).ToBeHiddenAsync();

        failing = false;
        await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Try again" }).ClickAsync();
        await Expect(dashboard.LoadError).ToBeHiddenAsync(new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.Rows.First).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        session.ScriptErrors.ShouldBeEmpty();
        session.PolicyViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_refused_change_is_shown_visibly_with_the_services_reason()
    {
        await using var session = await browser.NewSessionAsync();
        await session.EnforceStrictContentSecurityPolicyAsync();
        var dashboard = await session.OpenDashboardAsync(service.BaseAddress);
        var customer = Names.Unique("Refused");
        await service.Orders.CreateAsync(customer, new ApiOrderLine("REFUSE-1", 1, 5m), cancellationToken: Cancellation);
        await Expect(dashboard.Row(customer)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });

        // A change the order does not allow, as a page that missed an update would ask: the real service answers 409.
        await dashboard.Page.RouteAsync(
            url => new Uri(url).AbsolutePath.StartsWith(OrdersApiClient.OrdersPath + "/", StringComparison.Ordinal),
            async route =>
            {
                if (route.Request.Method != "PATCH")
                {
                    await route.FallbackAsync();
                    return;
                }

                await route.ContinueAsync(new() { PostData = Encoding.UTF8.GetBytes("""{"status":"shipped"}""") });
            });
        await dashboard.Row(customer).GetByRole(AriaRole.Button, new() { Name = "Mark paid" }).ClickAsync();

        await Expect(dashboard.ChangeError).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.ChangeError).ToContainTextAsync(customer);
        await Expect(dashboard.ChangeError).ToContainTextAsync("Status change not allowed");
        await Expect(dashboard.ChangeError).ToHaveAttributeAsync("role", "alert");
        await Expect(dashboard.Row(customer).Locator(".badge")).ToHaveTextAsync("new");

        // The next change that goes through clears it.
        await dashboard.Page.UnrouteAllAsync();
        await dashboard.Row(customer).GetByRole(AriaRole.Button, new() { Name = "Mark paid" }).ClickAsync();
        await Expect(dashboard.Row(customer).Locator(".badge")).ToHaveTextAsync("paid", new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.ChangeError).ToBeHiddenAsync();
        session.ScriptErrors.ShouldBeEmpty();
        session.PolicyViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_customers_forbidden_change_is_shown_visibly()
    {
        var account = TestUsers.NewCustomer("refused");
        await service.Process.Clients.RegisterAsync(account, Cancellation);
        await using var session = await browser.NewSessionAsync();
        await session.EnforceStrictContentSecurityPolicyAsync();
        var dashboard = await session.OpenDashboardAsync(service.BaseAddress, account);
        var customer = Names.Unique("Mine");
        await dashboard.FillOrderAsync(customer);
        await dashboard.SubmitAsync();
        await Expect(dashboard.Row(customer)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });

        // The page offers a customer only "Cancel"; asked to pay instead, the service refuses with 403.
        await dashboard.Page.RouteAsync(
            url => new Uri(url).AbsolutePath.StartsWith(OrdersApiClient.OrdersPath + "/", StringComparison.Ordinal),
            async route =>
            {
                if (route.Request.Method != "PATCH")
                {
                    await route.FallbackAsync();
                    return;
                }

                await route.ContinueAsync(new() { PostData = Encoding.UTF8.GetBytes("""{"status":"paid"}""") });
            });
        await dashboard.Row(customer).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(dashboard.ChangeError).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.ChangeError).ToContainTextAsync("was not changed to cancelled");
        await Expect(dashboard.ChangeError).ToContainTextAsync("Forbidden", new() { IgnoreCase = true });
        await Expect(dashboard.Row(customer).Locator(".badge")).ToHaveTextAsync("new");
        session.ScriptErrors.ShouldBeEmpty();
        session.PolicyViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_order_of_several_lines_is_made_in_the_form_and_shown_line_by_line()
    {
        await using var session = await browser.NewSessionAsync();
        await session.EnforceStrictContentSecurityPolicyAsync();
        var dashboard = await session.OpenDashboardAsync(service.BaseAddress);
        var watcher = await session.OpenLiveTabAsync(service.BaseAddress);
        var customer = Names.Unique("Several lines");
        var form = dashboard.Form;

        await form.GetByLabel("Customer").FillAsync(customer);
        await form.GetByLabel("SKU", new() { Exact = true }).FillAsync("LINE-A");
        await form.GetByLabel("Quantity", new() { Exact = true }).FillAsync("2");
        await form.GetByLabel("Unit price", new() { Exact = true }).FillAsync("1.50");
        await form.GetByRole(AriaRole.Button, new() { Name = "Add line" }).ClickAsync();
        await Expect(form.GetByLabel("SKU (line 2)")).ToBeFocusedAsync();
        await form.GetByLabel("SKU (line 2)").FillAsync("LINE-B");
        await form.GetByLabel("Unit price (line 2)").FillAsync("100");
        await form.GetByRole(AriaRole.Button, new() { Name = "Add line" }).ClickAsync();
        await form.GetByLabel("SKU (line 3)").FillAsync("LINE-C");
        await form.GetByLabel("Quantity (line 3)").FillAsync("3");
        await form.GetByLabel("Unit price (line 3)").FillAsync("0.25");

        // The second line goes again; the third becomes the second, its values kept.
        await form.GetByRole(AriaRole.Button, new() { Name = "Remove line 2" }).ClickAsync();
        await Expect(form.GetByLabel("SKU (line 2)")).ToHaveValueAsync("LINE-C");
        await Expect(form.GetByLabel("SKU (line 3)")).ToHaveCountAsync(0);
        await dashboard.SubmitAsync();

        foreach (var tab in new[] { dashboard, watcher })
        {
            var row = tab.Row(customer);
            await Expect(row).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
            await Expect(row.Locator(".items li")).ToHaveTextAsync(["2 × LINE-A", "3 × LINE-C"]);
            await Expect(row).ToContainTextAsync("$3.75");
        }

        // Lines up to the service's maximum, and no more.
        var addLine = form.GetByRole(AriaRole.Button, new() { Name = "Add line" });
        for (var lines = 2; lines < 50; lines++)
        {
            await addLine.ClickAsync();
        }

        await Expect(form.GetByLabel("SKU (line 50)")).ToBeVisibleAsync();
        await Expect(addLine).ToBeHiddenAsync();
        session.ScriptErrors.ShouldBeEmpty();
        session.PolicyViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_status_filter_asks_the_service_and_live_events_keep_to_it()
    {
        await using var session = await browser.NewSessionAsync();
        await session.EnforceStrictContentSecurityPolicyAsync();
        var dashboard = await session.OpenDashboardAsync(service.BaseAddress);
        var paidEarlier = await service.Orders.CreateAsync(Names.Unique("Paid earlier"), cancellationToken: Cancellation);
        (await service.Orders.PatchStatusAsync(paidEarlier.Id, "paid", Cancellation)).EnsureSuccessStatusCode();
        var stillNew = await service.Orders.CreateAsync(Names.Unique("Still new"), cancellationToken: Cancellation);
        await Expect(dashboard.Row(stillNew.Customer)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        var filtered = dashboard.Page.WaitForRequestAsync(request =>
            new Uri(request.Url).AbsolutePath == OrdersApiClient.OrdersPath && request.Url.Contains("status=paid", StringComparison.Ordinal));

        await dashboard.StatusFilter.SelectOptionAsync("paid");

        await filtered;
        await Expect(dashboard.Row(paidEarlier.Customer)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.Row(stillNew.Customer)).ToHaveCountAsync(0);
        foreach (var badge in await dashboard.Rows.Locator(".badge").AllTextContentsAsync())
        {
            badge.ShouldBe("paid");
        }

        // Live: a new order stays out, one that becomes paid comes in, one that leaves paid goes.
        var brandNew = await service.Orders.CreateAsync(Names.Unique("Brand new"), cancellationToken: Cancellation);
        (await service.Orders.PatchStatusAsync(stillNew.Id, "paid", Cancellation)).EnsureSuccessStatusCode();
        await Expect(dashboard.Row(stillNew.Customer)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        (await service.Orders.PatchStatusAsync(paidEarlier.Id, "shipped", Cancellation)).EnsureSuccessStatusCode();
        await Expect(dashboard.Row(paidEarlier.Customer)).ToHaveCountAsync(0, new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.Row(brandNew.Customer)).ToHaveCountAsync(0);

        await dashboard.StatusFilter.SelectOptionAsync("");
        await Expect(dashboard.Row(brandNew.Customer)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.Row(paidEarlier.Customer).Locator(".badge")).ToHaveTextAsync("shipped");
        session.ScriptErrors.ShouldBeEmpty();
        session.PolicyViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task Past_five_hundred_orders_the_counters_are_the_services_and_older_orders_load_by_page()
    {
        await using var own = new SqliteServiceProcess();
        await own.InitializeAsync();
        const int Count = 520;
        await Parallel.ForAsync(0, Count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Cancellation }, async (i, token) =>
            await own.Orders.CreateAsync($"Bulk {i:D3}", new ApiOrderLine("BULK", 1, 2m), cancellationToken: token));
        var first = await own.Orders.CreateAsync("Cancelled one", new ApiOrderLine("GONE", 1, 1000m), cancellationToken: Cancellation);
        (await own.Orders.PatchStatusAsync(first.Id, "cancelled", Cancellation)).EnsureSuccessStatusCode();

        await using var session = await browser.NewSessionAsync();
        await session.EnforceStrictContentSecurityPolicyAsync();
        var dashboard = await session.OpenDashboardAsync(own.BaseAddress);

        // Every order counts, the cancelled one earns nothing: 521 orders, 520 × $2.00.
        await Expect(dashboard.OrderCount).ToHaveTextAsync((Count + 1).ToString(CultureInfo.InvariantCulture), new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.Revenue).ToHaveTextAsync("$1,040.00");
        await Expect(dashboard.ByStatus).ToContainTextAsync("520 new");
        await Expect(dashboard.ByStatus).ToContainTextAsync("1 cancelled");
        // All in the chart's window, whichever minute each fell in: creating them may cross a minute's end, which
        // leaves the current minute's bar empty.
        await Expect(dashboard.ChartSummary).ToContainTextAsync($"{Count + 1} orders in the last 30 minutes");

        // Updated live, from the service again.
        await own.Orders.CreateAsync("One more", new ApiOrderLine("MORE", 1, 10m), cancellationToken: Cancellation);
        await Expect(dashboard.OrderCount).ToHaveTextAsync((Count + 2).ToString(CultureInfo.InvariantCulture), new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.Revenue).ToHaveTextAsync("$1,050.00");

        // The list shows a page at a time, newest first, with what arrived live on top (the first page of 50, then
        // "One more"); older pages follow the cursor, each order once.
        await Expect(dashboard.Rows).ToHaveCountAsync(51, new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.Rows.First).ToContainTextAsync("One more");
        var pages = 1;
        while (await dashboard.LoadOlder.IsVisibleAsync())
        {
            var before = await dashboard.Rows.CountAsync();
            await dashboard.LoadOlder.ClickAsync();
            await Expect(dashboard.Rows).Not.ToHaveCountAsync(before, new() { Timeout = Dashboard.UpdateTimeout });
            pages++;
            pages.ShouldBeLessThan(20);
        }

        await Expect(dashboard.Rows).ToHaveCountAsync(Count + 2);
        var ids = await dashboard.Rows.EvaluateAllAsync<string[]>("rows => rows.map((row) => row.dataset.orderId)");
        ids.Distinct().Count().ShouldBe(Count + 2);
        ids.ShouldBe([.. ids.OrderDescending(StringComparer.Ordinal)], "newest first by id, as the service pages them");
        await Expect(dashboard.Row("Cancelled one")).ToBeVisibleAsync();
        session.ScriptErrors.ShouldBeEmpty();
        session.PolicyViolations.ShouldBeEmpty();
    }
}
