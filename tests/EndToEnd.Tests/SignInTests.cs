using CleanSse.EndToEnd.Tests.TestKit;
using CleanSse.TestKit;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CleanSse.EndToEnd.Tests;

/// <summary>Signing in and out of the dashboard, and what staff and customers each see once signed in.</summary>
public sealed class SignInTests(BrowserFixture browser, SqliteServiceProcess service) : IClassFixture<SqliteServiceProcess>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_page_asks_to_sign_in_and_signing_in_through_the_form_shows_who_and_the_live_orders()
    {
        await using var session = await browser.NewSessionAsync();
        var dashboard = await session.OpenPageAsync(service.BaseAddress);

        await Expect(dashboard.SignInForm).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(dashboard.Form).Not.ToBeVisibleAsync();
        await Expect(dashboard.Connection).ToHaveTextAsync("signed out");
        await Expect(dashboard.SignInForm.GetByLabel("Email")).ToHaveValueAsync("", new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.SignOutButton).Not.ToBeVisibleAsync();

        // A wrong password is refused on the page, which stays signed out.
        await dashboard.SignInForm.GetByLabel("Email").FillAsync(TestUsers.Staff.Email);
        await dashboard.SignInForm.GetByLabel("Password").FillAsync("Not-the-password-1");
        await dashboard.Page.Keyboard.PressAsync("Enter");
        await Expect(dashboard.FieldError("sign-in")).ToContainTextAsync("do not match", new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.SignInForm.GetByLabel("Password")).ToBeFocusedAsync();

        await dashboard.SignInThroughFormAsync(TestUsers.Staff.Email, TestUsers.Staff.Password);

        await Expect(dashboard.SignedInAs).ToContainTextAsync(TestUsers.Staff.Email);
        await Expect(dashboard.SignedInAs).ToContainTextAsync("staff");
        await Expect(dashboard.SignInForm).Not.ToBeVisibleAsync();
        var customer = Names.Unique("Signed in");
        await service.Orders.CreateAsync(customer, new ApiOrderLine("FORM-1", 1, 5m), cancellationToken: Cancellation);
        await Expect(dashboard.Row(customer)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        session.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Under_Development_the_form_starts_with_the_demo_staff_address()
    {
        using var folder = new TemporaryFolder();
        var environment = ServiceProcess.WithSqlite(Path.Combine(folder.Path, "orders.db"));
        environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        environment["DOTNET_ENVIRONMENT"] = "Development";
        await using var development = await ServiceProcess.LaunchAsync("development", environment, Cancellation);
        await using var session = await browser.NewSessionAsync();
        var dashboard = await session.OpenPageAsync(development.BaseAddress);

        await Expect(dashboard.SignInForm.GetByLabel("Email")).ToHaveValueAsync(TestUsers.Staff.Email, new() { Timeout = 15_000 });
        await Expect(dashboard.SignInForm.GetByLabel("Password")).ToBeFocusedAsync();
        await dashboard.Page.Keyboard.TypeAsync(TestUsers.Staff.Password);
        await dashboard.Page.Keyboard.PressAsync("Enter");
        await Expect(dashboard.Connection).ToHaveTextAsync("live", new() { Timeout = 15_000 });
        await Expect(dashboard.SignedInAs).ToContainTextAsync("staff");
        session.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_staff_tab_and_a_customer_tab_side_by_side_each_see_what_they_should_and_the_customers_cancel_reaches_staff()
    {
        await using var staffSession = await browser.NewSessionAsync();
        await using var customerSession = await browser.NewSessionAsync();
        var staff = await staffSession.OpenDashboardAsync(service.BaseAddress);

        // A new customer creates an account from the page.
        var account = TestUsers.NewCustomer("tab");
        var customer = await customerSession.OpenPageAsync(service.BaseAddress);
        await Expect(customer.SignInForm).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await customer.SignInForm.GetByLabel("Email").FillAsync(account.Email);
        await customer.SignInForm.GetByLabel("Password").FillAsync(account.Password);
        await customer.SignInForm.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(customer.Connection).ToHaveTextAsync("live", new() { Timeout = 15_000 });
        await Expect(customer.SignedInAs).ToContainTextAsync(account.Email);
        await Expect(customer.SignedInAs).ToContainTextAsync("customer");

        // Someone else's order: staff see it, the customer does not.
        var someoneElse = Names.Unique("Someone else");
        await service.Orders.CreateAsync(someoneElse, new ApiOrderLine("OTHER-1", 1, 3m), cancellationToken: Cancellation);
        await Expect(staff.Row(someoneElse)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });

        // The customer's own order, from their form: both tabs see it, each with the buttons its user may press.
        var mine = Names.Unique("Customer tab");
        await customer.FillOrderAsync(mine, sku: "MINE-1", quantity: "2", unitPrice: "4.00");
        await customer.SubmitAsync();
        await Expect(customer.Row(mine)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(staff.Row(mine)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(customer.Row(mine).GetByRole(AriaRole.Button)).ToHaveTextAsync(["Cancel"]);
        await Expect(staff.Row(mine).GetByRole(AriaRole.Button)).ToHaveTextAsync(["Mark paid", "Cancel"]);
        await Expect(customer.Row(someoneElse)).ToHaveCountAsync(0);

        // The customer cancels; the staff tab follows through its stream.
        await customer.Row(mine).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(staff.Row(mine).Locator(".badge")).ToHaveTextAsync("cancelled", new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(customer.Row(mine).Locator(".badge")).ToHaveTextAsync("cancelled");
        await Expect(customer.Row(mine).GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        // Loaded afresh, the customer's list holds their own order only.
        await customer.Page.ReloadAsync();
        await Expect(customer.Connection).ToHaveTextAsync("live", new() { Timeout = 15_000 });
        await Expect(customer.Rows).ToHaveCountAsync(1, new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(customer.Row(mine)).ToBeVisibleAsync();
        staffSession.ScriptErrors.ShouldBeEmpty();
        customerSession.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Signing_out_ends_the_stream_and_the_session()
    {
        await OpenStreamsShouldBecomeAsync(service.Process, 0);
        await using var session = await browser.NewSessionAsync();
        var dashboard = await session.OpenDashboardAsync(service.BaseAddress);
        await OpenStreamsShouldBecomeAsync(service.Process, 1);
        var customer = Names.Unique("Before sign-out");
        await service.Orders.CreateAsync(customer, new ApiOrderLine("OUT-1", 1, 2m), cancellationToken: Cancellation);
        await Expect(dashboard.Row(customer)).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });

        await dashboard.SignOutButton.ClickAsync();

        await Expect(dashboard.SignInForm).ToBeVisibleAsync(new() { Timeout = Dashboard.UpdateTimeout });
        await Expect(dashboard.SignInNotice).ToHaveTextAsync("You have signed out.");
        await Expect(dashboard.Connection).ToHaveTextAsync("signed out");
        await Expect(dashboard.Form).Not.ToBeVisibleAsync();
        await Expect(dashboard.Rows).ToHaveCountAsync(0);
        await Expect(dashboard.SignInForm.GetByLabel("Email")).ToBeFocusedAsync();
        await OpenStreamsShouldBecomeAsync(service.Process, 0);
        var me = await dashboard.Page.APIRequest.GetAsync(new Uri(service.BaseAddress, "/api/auth/me").ToString());
        me.Status.ShouldBe(401, "the cookie session has ended on the service too");
        session.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_expired_session_shows_the_sign_in_form_again_not_a_dead_stream()
    {
        await using var own = new SqliteServiceProcess();
        await own.InitializeAsync();
        await using var session = await browser.NewSessionAsync();
        var dashboard = await session.OpenDashboardAsync(own.BaseAddress);

        // The session ends while the page is open; the next write finds out.
        await session.Context.ClearCookiesAsync();
        await dashboard.FillOrderAsync(Names.Unique("Too late"));
        await dashboard.SubmitAsync();
        await Expect(dashboard.SignInForm).ToBeVisibleAsync(new() { Timeout = Dashboard.RecoveryTimeout });
        await Expect(dashboard.SignInNotice).ToContainTextAsync("session has ended");
        await OpenStreamsShouldBecomeAsync(own.Process, 0);

        // Signed in again, the session ends once more, and then the stream reconnects after a restart: it is
        // refused, and the page says so with the form rather than retrying in silence.
        await dashboard.SignInThroughFormAsync(TestUsers.Staff.Email, TestUsers.Staff.Password);
        await session.Context.ClearCookiesAsync();
        await own.Process.StopAsync();
        await own.Process.StartAsync(Cancellation);
        await Expect(dashboard.SignInForm).ToBeVisibleAsync(new() { Timeout = Dashboard.RecoveryTimeout });
        await Expect(dashboard.SignInNotice).ToContainTextAsync("session has ended");
        await Expect(dashboard.Connection).ToHaveTextAsync("signed out");
        await OpenStreamsShouldBecomeAsync(own.Process, 0);
        session.ScriptErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Axe_finds_no_accessibility_violations_on_the_sign_in_form_with_its_errors_on_screen()
    {
        await using var session = await browser.NewSessionAsync();
        var dashboard = await session.OpenPageAsync(service.BaseAddress);
        await Expect(dashboard.SignInForm).ToBeVisibleAsync(new() { Timeout = 15_000 });

        // With the keyboard alone: the empty form is checked on the page, before anything is sent.
        await dashboard.SignInForm.GetByLabel("Email").FocusAsync();
        await dashboard.Page.Keyboard.PressAsync("Enter");
        await Expect(dashboard.FieldError("email")).ToHaveTextAsync("Enter your email.");
        await Expect(dashboard.FieldError("password")).ToHaveTextAsync("Enter your password.");
        await Expect(dashboard.SignInForm.GetByLabel("Email")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(dashboard.SignInForm.GetByLabel("Email")).ToBeFocusedAsync();

        var result = await dashboard.Page.RunAxe();

        result.Passes.ShouldContain(rule => rule.Id == "color-contrast", "axe ran its checks");
        result.Violations.ShouldBeEmpty(string.Join(
            '\n',
            result.Violations.Select(violation => $"{violation.Id}: {violation.Help} at {string.Join(", ", violation.Nodes.Select(node => node.Target))}")));
        session.ScriptErrors.ShouldBeEmpty();
    }

    private static async Task OpenStreamsShouldBecomeAsync(ServiceProcess process, double expected)
    {
        double? last = null;
        await Eventually.HoldsAsync(
            async () => (last = Metrics.Value(await Metrics.ScrapeAsync(process.Http), "cleansse_sse_open_streams") ?? 0) == expected,
            () => $"cleansse_sse_open_streams is {expected} (last seen {last?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})",
            TimeSpan.FromSeconds(15));
    }

    /// <summary>A folder for one test's database, removed afterwards.</summary>
    private sealed class TemporaryFolder : IDisposable
    {
        private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cleansse-signin-");

        public string Path => _folder.FullName;

        public void Dispose()
        {
            try
            {
                _folder.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it is a temporary folder.
            }
        }
    }
}
