using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Identity;

/// <summary>
/// Which scheme reads a request, now that the bearer scheme is the default and chooses: a request with a bearer token
/// is judged by its token alone, any other by the cookie, as Identity's composite scheme judged them; challenges and
/// sign-ins are the bearer scheme's, so a missing user gets a 401 (never a redirect) and a token sign-in sets no cookie.
/// </summary>
public sealed class SignInSchemeTests(SignInSchemeFixture fixture) : IClassFixture<SignInSchemeFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_cookie_alone_signs_a_browser_in()
    {
        using var browser = await SignedInBrowserAsync();

        using var me = await browser.GetAsync(new Uri("/api/auth/me", UriKind.Relative), Cancellation);

        var body = await OrdersApiClient.ShouldHaveStatusAsync(me, HttpStatusCode.OK, Cancellation);
        body.ShouldContain(TestUsers.Staff.Email);
    }

    [Theory]
    [InlineData("Basic c3RhZmY6c2VjcmV0")]
    [InlineData("bearer not-a-token")]
    public async Task An_authorization_header_that_is_no_bearer_token_leaves_the_cookie_to_decide(string authorization)
    {
        using var browser = await SignedInBrowserAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/auth/me", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await browser.SendAsync(request, Cancellation);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_refused_bearer_token_is_not_rescued_by_a_valid_cookie()
    {
        using var browser = await SignedInBrowserAsync();
        browser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");

        using var response = await browser.GetAsync(new Uri("/api/orders", UriKind.Relative), Cancellation);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/html")]
    public async Task A_request_without_a_user_is_challenged_with_401_not_redirected(string accept)
    {
        using var anonymous = fixture.Host.Clients.CreateAnonymous(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/orders", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));

        using var response = await anonymous.SendAsync(request, Cancellation);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.Location.ShouldBeNull();
        response.Headers.WwwAuthenticate.ToString().ShouldContain("Bearer");
    }

    [Fact]
    public async Task A_token_sign_in_sets_no_cookie_and_a_cookie_sign_in_gives_no_token()
    {
        using var anonymous = fixture.Host.Clients.CreateAnonymous(new SocketsHttpHandler { UseCookies = false });
        var credentials = new { email = TestUsers.Staff.Email, password = TestUsers.Staff.Password };

        using var tokenLogin = await anonymous.PostAsJsonAsync("/api/auth/login", credentials, Cancellation);
        var tokens = await OrdersApiClient.ShouldHaveStatusAsync(tokenLogin, HttpStatusCode.OK, Cancellation);
        JsonDocument.Parse(tokens).RootElement.GetProperty("accessToken").GetString().ShouldNotBeNullOrEmpty();
        tokenLogin.Headers.Contains("Set-Cookie").ShouldBeFalse();

        using var cookieLogin = await anonymous.PostAsJsonAsync("/api/auth/login?useCookies=true", credentials, Cancellation);
        cookieLogin.StatusCode.ShouldBe(HttpStatusCode.OK);
        cookieLogin.Headers.GetValues("Set-Cookie").ShouldContain(cookie => cookie.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
        (await cookieLogin.Content.ReadAsStringAsync(Cancellation)).ShouldNotContain("accessToken");
    }

    private Task<HttpClient> SignedInBrowserAsync() => fixture.Host.Clients.CreateCookieSignedInAsync(TestUsers.Staff, Cancellation);
}

public sealed class SignInSchemeFixture : ServiceHostFixture;
