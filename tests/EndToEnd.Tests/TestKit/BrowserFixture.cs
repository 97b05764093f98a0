using CleanSse.TestKit;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CleanSse.EndToEnd.Tests.TestKit;

/// <summary>
/// One headless Debian Chromium for the whole run, driven by Playwright; every test gets its own browser context
/// (its own cookies, storage and cache). Playwright starts the browser on a fresh temporary user-data directory and
/// removes it on close. No browser is ever downloaded: without /usr/bin/chromium the tests skip, or fail in CI.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static bool ChromiumInstalled => File.Exists(ChromiumPath);

    public async ValueTask InitializeAsync()
    {
        if (!ChromiumInstalled)
        {
            return;
        }

        // Belt and braces: nothing in this run may fetch a browser build.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            ChromiumSandbox = false,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
    }

    /// <summary>A new, isolated browser context; skips (or fails in CI) when Chromium is not installed.</summary>
    public async Task<BrowserSession> NewSessionAsync(int width = 1280, int height = 900)
    {
        TestResources.Require(ChromiumInstalled, $"Chromium is not installed at {ChromiumPath} (apt-get install chromium)");
        var context = await _browser!.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        return new BrowserSession(context);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>One test's browser context, and every uncaught script error its pages raise.</summary>
public sealed class BrowserSession(IBrowserContext context) : IAsyncDisposable
{
    /// <summary>
    /// A policy as strict as a dashboard can live with: its own files only, and no inline script, style or handler.
    /// </summary>
    public const string StrictContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; worker-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private readonly List<string> _scriptErrors = [];
    private readonly List<string> _policyViolations = [];

    public IBrowserContext Context => context;

    /// <summary>What the browser refused under the page's Content-Security-Policy, as it reported it.</summary>
    public IReadOnlyList<string> PolicyViolations
    {
        get
        {
            lock (_policyViolations)
            {
                return [.. _policyViolations];
            }
        }
    }

    /// <summary>
    /// Serves the dashboard's page with <see cref="StrictContentSecurityPolicy"/> on top of whatever policy the service
    /// sends (a browser enforces every policy it is given), and records each violation the pages report.
    /// </summary>
    public async Task EnforceStrictContentSecurityPolicyAsync()
    {
        await context.RouteAsync(
            url => new Uri(url).AbsolutePath == "/",
            async route =>
            {
                var response = await route.FetchAsync();
                var headers = response.HeadersArray
                    .Where(header => !header.Name.Equals("content-security-policy", StringComparison.OrdinalIgnoreCase))
                    .Select(header => KeyValuePair.Create(header.Name, header.Value))
                    .Append(KeyValuePair.Create("Content-Security-Policy", StrictContentSecurityPolicy));
                await route.FulfillAsync(new() { Response = response, Headers = headers });
            });
        // Reported through the console, which Playwright hears: the event itself never leaves the page.
        await context.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', (event) => " +
            "console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`));");
    }

    public IReadOnlyList<string> ScriptErrors
    {
        get
        {
            lock (_scriptErrors)
            {
                return [.. _scriptErrors];
            }
        }
    }

    /// <summary>
    /// Opens the dashboard at <paramref name="baseAddress"/> in a new tab, signed in as <paramref name="user"/> (staff
    /// unless said otherwise) with the sign-in cookie the page's own requests and its EventSource then carry, and waits
    /// until its stream is live.
    /// </summary>
    public async Task<Dashboard> OpenDashboardAsync(Uri baseAddress, TestUser? user = null)
    {
        await SignInAsync(baseAddress, user ?? TestUsers.Staff);
        var dashboard = await OpenPageAsync(baseAddress);
        await Expect(dashboard.Connection).ToHaveTextAsync("live", new() { Timeout = 15_000 });
        await WaitForFirstLoadAsync(dashboard);
        return dashboard;
    }

    /// <summary>Opens one more tab of the dashboard in this (signed-in) context and waits until its stream is live.</summary>
    public async Task<Dashboard> OpenLiveTabAsync(Uri baseAddress)
    {
        var dashboard = await OpenPageAsync(baseAddress);
        await Expect(dashboard.Connection).ToHaveTextAsync("live", new() { Timeout = 15_000 });
        await WaitForFirstLoadAsync(dashboard);
        return dashboard;
    }

    // The stream turns live before the list it asks for on connecting has come back: a test that counts what the page
    // loads afterwards starts only once that first load has come back, loaded or shown as failed.
    private static Task WaitForFirstLoadAsync(Dashboard dashboard) =>
        Expect(dashboard.Page.Locator("html[data-orders-loaded='true']").Or(dashboard.LoadError).First)
            .ToBeVisibleAsync(new() { Timeout = 15_000 });

    /// <summary>
    /// Opens the dashboard at <paramref name="baseAddress"/> in a new tab as it is, signed in or not, without waiting
    /// for its stream: the sign-in form's tests start here.
    /// </summary>
    public async Task<Dashboard> OpenPageAsync(Uri baseAddress)
    {
        var page = await context.NewPageAsync();
        page.PageError += (_, error) =>
        {
            lock (_scriptErrors)
            {
                _scriptErrors.Add(error);
            }
        };
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (_policyViolations)
                {
                    _policyViolations.Add(message.Text);
                }
            }
        };
        await page.GotoAsync(baseAddress.ToString());
        return new Dashboard(page);
    }

    /// <summary>
    /// Sets the context's sign-in cookie for <paramref name="baseAddress"/>, as the dashboard's sign-in does, from the
    /// page's own origin: once the context holds a cookie, the service serves its writes only from there.
    /// </summary>
    public async Task SignInAsync(Uri baseAddress, TestUser user)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(user);
        var response = await context.APIRequest.PostAsync(
            new Uri(baseAddress, "/api/auth/login?useCookies=true").ToString(),
            new()
            {
                DataObject = new { email = user.Email, password = user.Password },
                Headers = new Dictionary<string, string> { ["Origin"] = baseAddress.GetLeftPart(UriPartial.Authority) },
            });
        if (!response.Ok)
        {
            throw new InvalidOperationException($"Signing the browser in answered {response.Status}: {await response.TextAsync()}");
        }
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
