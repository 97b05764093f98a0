using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CleanSse.EndToEnd.Tests.TestKit;

/// <summary>The dashboard as a test sees it: the parts it looks at and what a person does with it.</summary>
public sealed class Dashboard(IPage page)
{
    /// <summary>How long the page may take to reconnect or reload when the service came back.</summary>
    public const float RecoveryTimeout = 30_000;

    /// <summary>
    /// How long the page may take to show a change. Unloaded it takes milliseconds; the bound is a wait, not a speed
    /// limit, and is wide because the suites share two cores with Chromium and every other suite.
    /// </summary>
    public const float UpdateTimeout = 15_000;

    public IPage Page => page;

    public ILocator Connection => page.Locator("#connection");

    public ILocator Rows => page.Locator("#orders > tr");

    public ILocator OrderCount => page.Locator("#order-count");

    public ILocator Revenue => page.Locator("#revenue");

    /// <summary>The chart's text for screen readers: orders in its 30 minutes and the most in one.</summary>
    public ILocator ChartSummary => page.Locator("#chart-summary");

    public ILocator Form => page.Locator("#order-form");

    /// <summary>The banner that says what failed to load, in the service's words.</summary>
    public ILocator LoadError => page.Locator("#load-error");

    /// <summary>The message that says a change was refused, and why.</summary>
    public ILocator ChangeError => page.Locator("#change-error");

    public ILocator Empty => page.Locator("#empty");

    public ILocator LoadOlder => page.GetByRole(AriaRole.Button, new() { Name = "Load older orders" });

    public ILocator StatusFilter => page.GetByLabel("Show");

    public ILocator ByStatus => page.Locator("#by-status");

    /// <summary>How the tab gets its events: "shared-worker", "elected" (a tab holds the stream for all) or "own".</summary>
    public Task<string?> StreamModeAsync() => page.EvaluateAsync<string?>("() => document.documentElement.dataset.streamMode ?? null");

    /// <summary>Whether this tab holds the browser's stream for the others (the elected tab, without a shared worker).</summary>
    public Task<bool> HoldsStreamAsync() => page.EvaluateAsync<bool>("() => document.documentElement.dataset.streamHolder === 'true'");

    public ILocator SignInForm => page.Locator("#sign-in-form");

    /// <summary>Why the sign-in form is shown (signed out, session ended), when the page says.</summary>
    public ILocator SignInNotice => page.Locator("#sign-in-notice");

    /// <summary>Who is signed in, as the page's header says it.</summary>
    public ILocator SignedInAs => page.Locator("#who");

    public ILocator SignOutButton => page.GetByRole(AriaRole.Button, new() { Name = "Sign out" });

    /// <summary>The table row of the order whose customer is <paramref name="customer"/> (names are unique per test).</summary>
    public ILocator Row(string customer) =>
        Rows.Filter(new() { Has = page.Locator(".customer", new() { HasTextString = customer }) });

    /// <summary>A field of the new-order form, by its label.</summary>
    public ILocator Field(string label) => Form.GetByLabel(label);

    public ILocator FieldError(string field) => page.Locator($"[data-error-for=\"{field}\"]");

    /// <summary>Signs in through the page's form, as a person does, and waits until the stream is live.</summary>
    public async Task SignInThroughFormAsync(string email, string password)
    {
        await Expect(SignInForm).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await SignInForm.GetByLabel("Email").FillAsync(email);
        await SignInForm.GetByLabel("Password").FillAsync(password);
        await SignInForm.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Connection).ToHaveTextAsync("live", new() { Timeout = 15_000 });
    }

    public async Task FillOrderAsync(string customer, string sku = "SKU-1", string quantity = "1", string unitPrice = "9.99", string note = "")
    {
        await Form.GetByLabel("Customer").FillAsync(customer);
        await Form.GetByLabel("SKU").FillAsync(sku);
        await Form.GetByLabel("Quantity").FillAsync(quantity);
        await Form.GetByLabel("Unit price").FillAsync(unitPrice);
        await Form.GetByLabel("Note").FillAsync(note);
    }

    /// <summary>Counts, from now on, the page's requests for <paramref name="method"/> <paramref name="path"/>.</summary>
    public Func<int> CountRequests(string method, string path)
    {
        var count = 0;
        page.Request += (_, request) =>
        {
            if (request.Method == method && new Uri(request.Url).AbsolutePath == path)
            {
                Interlocked.Increment(ref count);
            }
        };
        return () => Volatile.Read(ref count);
    }

    /// <summary>Waits for running animations (a new row's highlight) to end, so what is checked or pictured is stable.</summary>
    public Task SettleAsync() => page.EvaluateAsync("() => Promise.all(document.getAnimations().map((a) => a.finished))");

    public Task SubmitAsync() => page.GetByRole(AriaRole.Button, new() { Name = "Create order" }).ClickAsync();
}
