using CleanSse.EndToEnd.Tests.TestKit;
using CleanSse.TestKit;
using static Microsoft.Playwright.Assertions;

namespace CleanSse.EndToEnd.Tests;

/// <summary>
/// Many tabs of one browser on one event stream: through the shared worker, and through an elected tab where the
/// browser has no SharedWorker. A browser allows six HTTP/1.1 connections per origin, so a stream per tab stopped
/// the seventh tab from loading at all.
/// </summary>
public sealed class OneStreamTests(BrowserFixture browser) : IAsyncLifetime
{
    private const int Tabs = 8;

    // A service of its own per test: the open-streams gauge then counts this test's streams only.
    private readonly SqliteServiceProcess _service = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _service.InitializeAsync();

    public ValueTask DisposeAsync() => _service.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Eight_tabs_hold_one_stream_every_tab_shows_every_order_and_closing_them_one_by_one_holder_first_loses_nothing(bool withoutSharedWorker)
    {
        await using var session = await browser.NewSessionAsync();
        await session.EnforceStrictContentSecurityPolicyAsync();
        if (withoutSharedWorker)
        {
            await session.Context.AddInitScriptAsync("delete window.SharedWorker;");
        }

        await session.SignInAsync(_service.BaseAddress, TestUsers.Staff);
        var tabs = new List<Dashboard>();
        for (var i = 0; i < Tabs; i++)
        {
            // The seventh and eighth tabs load and go live like the first: no tab holds a connection of its own.
            tabs.Add(await session.OpenLiveTabAsync(_service.BaseAddress));
        }

        foreach (var tab in tabs)
        {
            (await tab.StreamModeAsync()).ShouldBe(withoutSharedWorker ? "elected" : "shared-worker");
        }

        await OpenStreamsShouldBecomeAsync(1);
        var created = new List<string>();
        await CreateAndSeeEverywhereAsync(tabs, created, "All tabs");
        await OpenStreamsShouldStayAsync(1);

        // The tab holding the stream goes first (with a shared worker, the first tab: it started the worker).
        var holder = withoutSharedWorker ? await HolderAsync(tabs) : tabs[0];
        var order = new List<Dashboard> { holder };
        order.AddRange(tabs.Where(tab => tab != holder));
        for (var closed = 0; closed < Tabs - 1; closed++)
        {
            var closing = withoutSharedWorker ? await HolderAsync(tabs) : order[closed];
            await closing.Page.CloseAsync();
            tabs.Remove(closing);

            // Created at once, while the stream may still be changing hands: the next holder resumes after it.
            await CreateAsync(created, $"Right after close {closed + 1}");
            await CreateAndSeeEverywhereAsync(tabs, created, $"After close {closed + 1}");
            foreach (var tab in tabs)
            {
                await Expect(tab.Connection).ToHaveTextAsync("live", new() { Timeout = Dashboard.UpdateTimeout });
                await Expect(tab.Rows).ToHaveCountAsync(created.Count, new() { Timeout = Dashboard.UpdateTimeout });
            }

            await OpenStreamsShouldBecomeAsync(1);
        }

        session.ScriptErrors.ShouldBeEmpty();
        session.PolicyViolations.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Signing_out_in_one_tab_ends_the_stream_in_every_tab(bool withoutSharedWorker)
    {
        await using var session = await browser.NewSessionAsync();
        await session.EnforceStrictContentSecurityPolicyAsync();
        if (withoutSharedWorker)
        {
            await session.Context.AddInitScriptAsync("delete window.SharedWorker;");
        }

        await session.SignInAsync(_service.BaseAddress, TestUsers.Staff);
        var tabs = new List<Dashboard>();
        for (var i = 0; i < 3; i++)
        {
            tabs.Add(await session.OpenLiveTabAsync(_service.BaseAddress));
        }

        await OpenStreamsShouldBecomeAsync(1);

        await tabs[1].SignOutButton.ClickAsync();

        foreach (var tab in tabs)
        {
            await Expect(tab.SignInForm).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
            await Expect(tab.SignInNotice).ToHaveTextAsync("You have signed out.");
            await Expect(tab.Connection).ToHaveTextAsync("signed out");
            await Expect(tab.Rows).ToHaveCountAsync(0);
        }

        await OpenStreamsShouldBecomeAsync(0);

        // Signed in again from one tab, the stream comes back for it.
        await tabs[2].SignInThroughFormAsync(TestUsers.Staff.Email, TestUsers.Staff.Password);
        await OpenStreamsShouldBecomeAsync(1);
        var customer = Names.Unique("Signed in again");
        await _service.Orders.CreateAsync(customer, cancellationToken: Cancellation);
        await Expect(tabs[2].Row(customer)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        session.ScriptErrors.ShouldBeEmpty();
        session.PolicyViolations.ShouldBeEmpty();
    }

    private async Task CreateAsync(List<string> created, string prefix)
    {
        var customer = Names.Unique(prefix);
        await _service.Orders.CreateAsync(customer, cancellationToken: Cancellation);
        created.Add(customer);
    }

    private async Task CreateAndSeeEverywhereAsync(List<Dashboard> tabs, List<string> created, string prefix)
    {
        await CreateAsync(created, prefix);
        foreach (var tab in tabs)
        {
            foreach (var customer in created)
            {
                await Expect(tab.Row(customer)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
            }
        }
    }

    /// <summary>The one tab that holds the stream for the others, once the election has settled.</summary>
    private static async Task<Dashboard> HolderAsync(List<Dashboard> tabs)
    {
        Dashboard[] holders = [];
        await Eventually.HoldsAsync(
            async () =>
            {
                var found = new List<Dashboard>();
                foreach (var tab in tabs)
                {
                    if (await tab.HoldsStreamAsync())
                    {
                        found.Add(tab);
                    }
                }

                holders = [.. found];
                return holders.Length == 1;
            },
            () => $"exactly one tab holds the stream (found {holders.Length})",
            TimeSpan.FromSeconds(10));
        return holders[0];
    }

    private async Task OpenStreamsShouldBecomeAsync(double expected)
    {
        double? last = null;
        await Eventually.HoldsAsync(
            async () => (last = await OpenStreamsAsync()) == expected,
            () => $"cleansse_sse_open_streams is {expected} (last seen {last?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})",
            TimeSpan.FromSeconds(15));
    }

    /// <summary>Samples the gauge for a while: one stream is not a moment between a close and a reopen.</summary>
    private async Task OpenStreamsShouldStayAsync(double expected)
    {
        for (var i = 0; i < 5; i++)
        {
            (await OpenStreamsAsync()).ShouldBe(expected);
            await Task.Delay(200, Cancellation);
        }
    }

    private async Task<double> OpenStreamsAsync() =>
        Metrics.Value(await Metrics.ScrapeAsync(_service.Process.Http), "cleansse_sse_open_streams") ?? 0;
}
