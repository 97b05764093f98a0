using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Security;

/// <summary>
/// Cross-site request forgery: a write signed in by the cookie alone is served only when it comes from the service's
/// own origin (or a configured one); bearer-token clients are not affected, and signing in keeps working.
/// </summary>
public sealed class CrossSiteRequestTests(CrossSiteRequestFixture fixture) : IClassFixture<CrossSiteRequestFixture>
{
    private const string EvilOrigin = "https://evil.example";

    private ServiceHost Host => fixture.Host;

    private string OwnOrigin => Host.BaseAddress.GetLeftPart(UriPartial.Authority);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_post_that_carries_only_the_cookie_is_refused_with_403_and_creates_nothing()
    {
        using var browser = await SignedInBrowserAsync(TestUsers.Staff);
        var customer = Names.Unique("Forged");

        using var response = await browser.PostAsJsonAsync("/api/orders", Order(customer), Cancellation);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        problem.GetProperty("title").GetString().ShouldBe("Cross-site request refused");
        (await ListedCustomersAsync()).ShouldNotContain(customer);
    }

    [Theory]
    [InlineData(EvilOrigin, null)]
    [InlineData(EvilOrigin, "cross-site")]
    [InlineData("null", "cross-site")]
    [InlineData("http://127.0.0.1:1", "same-site")]
    public async Task A_cookie_post_from_another_origin_is_refused(string origin, string? fetchSite)
    {
        using var browser = await SignedInBrowserAsync(TestUsers.Staff);
        var customer = Names.Unique("Forged");
        using var request = Post("/api/orders", Order(customer), origin, fetchSite);

        using var response = await browser.SendAsync(request, Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        (await ListedCustomersAsync()).ShouldNotContain(customer);
    }

    [Fact]
    public async Task Patch_and_logout_carrying_only_the_cookie_are_refused_too()
    {
        using var browser = await SignedInBrowserAsync(TestUsers.Staff);
        var order = await Host.Orders.CreateAsync(Names.Unique("Victim"), new ApiOrderLine("CSRF-2", 1, 1m), cancellationToken: Cancellation);

        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/orders/{order.Id}") { Content = JsonContent.Create(new { status = "cancelled" }) };
        patch.Headers.Add("Origin", EvilOrigin);
        using var patched = await browser.SendAsync(patch, Cancellation);
        await patched.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        using (var current = await Host.Orders.GetAsync(order.Id, Cancellation))
        {
            (await current.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("status").GetString().ShouldBe("new");
        }

        using var logout = await browser.PostAsync("/api/auth/logout", null, Cancellation);
        await logout.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        using var stillSignedIn = await browser.GetAsync("/api/auth/me", Cancellation);
        stillSignedIn.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, "same-origin")]
    [InlineData(true, "same-origin")]
    public async Task A_cookie_post_from_the_services_own_origin_is_served(bool sendOrigin, string? fetchSite)
    {
        using var browser = await SignedInBrowserAsync(TestUsers.Staff);
        var customer = Names.Unique("Same origin");
        using var request = Post("/api/orders", Order(customer), sendOrigin ? OwnOrigin : null, fetchSite);

        using var response = await browser.SendAsync(request, Cancellation);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Cancellation));
        (await ListedCustomersAsync()).ShouldContain(customer);
    }

    [Fact]
    public async Task A_cookie_post_from_an_origin_in_Cors_AllowedOrigins_is_served()
    {
        using var browser = await SignedInBrowserAsync(TestUsers.Staff);
        using var request = Post("/api/orders", Order(Names.Unique("Shop")), CrossSiteRequestFixture.AllowedOrigin, "cross-site");

        using var response = await browser.SendAsync(request, Cancellation);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task Bearer_token_requests_are_not_affected_whatever_their_origin()
    {
        using var client = Host.Clients.CreateFor(await Host.Clients.LoginAsync(TestUsers.Staff, Cancellation));
        using var plain = await client.PostAsJsonAsync("/api/orders", Order(Names.Unique("Bearer")), Cancellation);
        plain.StatusCode.ShouldBe(HttpStatusCode.Created);

        using var request = Post("/api/orders", Order(Names.Unique("Bearer")), EvilOrigin, "cross-site");
        using var fromElsewhere = await client.SendAsync(request, Cancellation);
        fromElsewhere.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_same_origin_page_signs_in_and_out_and_the_cookie_is_strict_and_http_only()
    {
        var cookies = new CookieContainer();
        using var browser = Host.Clients.CreateAnonymous(new SocketsHttpHandler { CookieContainer = cookies });

        using var login = Post("/api/auth/login?useCookies=true", new { email = TestUsers.Staff.Email, password = TestUsers.Staff.Password }, OwnOrigin, "same-origin");
        using var signedIn = await browser.SendAsync(login, Cancellation);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.OK);
        var setCookie = signedIn.Headers.GetValues("Set-Cookie").Single(value => value.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
        setCookie.ShouldContain("samesite=strict", Case.Insensitive);
        setCookie.ShouldContain("httponly", Case.Insensitive);

        using var logout = Post("/api/auth/logout", null, OwnOrigin, "same-origin");
        using var signedOut = await browser.SendAsync(logout, Cancellation);
        signedOut.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var me = await browser.GetAsync("/api/auth/me", Cancellation);
        await me.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Me_tells_who_is_signed_in_and_whether_they_are_staff()
    {
        var customer = TestUsers.NewCustomer();
        await Host.Clients.RegisterAsync(customer, Cancellation);

        using var staff = await SignedInBrowserAsync(TestUsers.Staff);
        var staffMe = await staff.GetFromJsonAsync<JsonElement>("/api/auth/me", Cancellation);
        staffMe.GetProperty("email").GetString().ShouldBe(TestUsers.Staff.Email);
        staffMe.GetProperty("isStaff").GetBoolean().ShouldBeTrue();
        staffMe.GetProperty("userId").GetString().ShouldNotBeNullOrWhiteSpace();

        using var bearer = Host.Clients.CreateFor(await Host.Clients.LoginAsync(customer, Cancellation));
        var customerMe = await bearer.GetFromJsonAsync<JsonElement>("/api/auth/me", Cancellation);
        customerMe.GetProperty("email").GetString().ShouldBe(customer.Email);
        customerMe.GetProperty("isStaff").GetBoolean().ShouldBeFalse();
        var order = await new OrdersApiClient(bearer).CreateAsync(Names.Unique("Mine"), new ApiOrderLine("ME-1", 1, 1m), cancellationToken: Cancellation);
        using var created = JsonDocument.Parse(order.Json);
        created.RootElement.GetProperty("customerId").GetString().ShouldBe(customerMe.GetProperty("userId").GetString());

        using var anonymous = Host.Clients.CreateAnonymous();
        using var nobody = await anonymous.GetAsync("/api/auth/me", Cancellation);
        await nobody.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_demo_address_is_not_told_outside_Development()
    {
        using var anonymous = Host.Clients.CreateAnonymous();
        var demo = await anonymous.GetFromJsonAsync<JsonElement>("/api/auth/demo", Cancellation);
        demo.GetProperty("email").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    private static object Order(string customer) =>
        new { customer, items = new[] { new { sku = "CSRF-1", quantity = 1, unitPrice = 1.0m } } };

    private static HttpRequestMessage Post(string path, object? body, string? origin, string? fetchSite)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        return request;
    }

    /// <summary>A client that holds the sign-in cookie, as a browser would, and sends nothing else of its own.</summary>
    // Signing in needs no origin: it is not signed in by the cookie yet (the kit's sign-in sends none and must succeed).
    private async Task<HttpClient> SignedInBrowserAsync(TestUser user)
    {
        var browser = await Host.Clients.CreateCookieSignedInAsync(user, Cancellation);
        browser.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return browser;
    }

    private async Task<IReadOnlyList<string>> ListedCustomersAsync()
    {
        var page = await Host.Http.GetFromJsonAsync<JsonElement>("/api/orders?limit=200", Cancellation);
        return [.. page.GetProperty("orders").EnumerateArray().Select(order => order.GetProperty("customer").GetString()!)];
    }
}
