using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CleanSse.TestKit;

/// <summary>
/// Hands out HTTP clients for one running service. Every client the kit uses (the orders API client, the stream
/// readers, the recorder) comes from here and passes through <see cref="Authorize"/>, so when the service starts
/// asking who calls it, a signed-in user's credentials are attached here once and every suite's requests carry them.
/// </summary>
public sealed class ServiceClients(Uri baseAddress)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public Uri BaseAddress { get; } = baseAddress ?? throw new ArgumentNullException(nameof(baseAddress));

    /// <summary>Adds credentials to each request (e.g. an <c>Authorization</c> header); null while none are needed.</summary>
    public Func<HttpRequestMessage, CancellationToken, ValueTask>? Authorize { get; set; }

    /// <summary>The bearer token every client sends since <see cref="SignInAsync"/>, for requests written by hand.</summary>
    public string? AccessToken { get; private set; }

    /// <summary>Signs every client of this service in as <paramref name="user"/>, unless a request carries its own credentials.</summary>
    public async Task SignInAsync(TestUser user, CancellationToken cancellationToken = default)
    {
        var token = await LoginAsync(user, cancellationToken);
        AccessToken = token;
        Authorize = (request, _) =>
        {
            request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", token);
            return ValueTask.CompletedTask;
        };
    }

    /// <summary>Creates the account (<c>POST /api/auth/register</c>).</summary>
    public async Task RegisterAsync(TestUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        using var http = CreateAnonymous();
        using var response = await http.PostAsJsonAsync("api/auth/register", new { email = user.Email, password = user.Password }, cancellationToken);
        await EnsureAsync(response, "register", cancellationToken);
    }

    /// <summary>A bearer token for <paramref name="user"/> (<c>POST /api/auth/login</c>).</summary>
    public async Task<string> LoginAsync(TestUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        using var http = CreateAnonymous();
        using var response = await http.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password }, cancellationToken);
        await EnsureAsync(response, "login", cancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>
    /// A client that acts like a browser signed in as <paramref name="user"/>: a cookie jar of its own, filled by
    /// <c>POST /api/auth/login?useCookies=true</c>, and no bearer token.
    /// </summary>
    public async Task<HttpClient> CreateCookieSignedInAsync(TestUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var browser = CreateAnonymous(new SocketsHttpHandler { CookieContainer = new CookieContainer() });
        try
        {
            using var response = await browser.PostAsJsonAsync("api/auth/login?useCookies=true", new { email = user.Email, password = user.Password }, cancellationToken);
            await EnsureAsync(response, "cookie login", cancellationToken);
            return browser;
        }
        catch
        {
            browser.Dispose();
            throw;
        }
    }

    /// <summary>A client that carries <paramref name="accessToken"/> instead of the service's default user.</summary>
    public HttpClient CreateFor(string accessToken, SocketsHttpHandler? handler = null, TimeSpan? timeout = null)
    {
        var http = Create(handler, timeout);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return http;
    }

    /// <summary>A client that sends no credentials at all.</summary>
    public HttpClient CreateAnonymous(SocketsHttpHandler? handler = null, TimeSpan? timeout = null) =>
        new(handler ?? new SocketsHttpHandler(), disposeHandler: true)
        {
            BaseAddress = BaseAddress,
            Timeout = timeout ?? DefaultTimeout,
        };

    /// <summary>A client with connections of its own, on <paramref name="handler"/> when given.</summary>
    /// <param name="timeout">Per request; event streams pass <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    public HttpClient Create(SocketsHttpHandler? handler = null, TimeSpan? timeout = null) =>
        new(new AuthorizingHandler(this, handler ?? new SocketsHttpHandler()), disposeHandler: true)
        {
            BaseAddress = BaseAddress,
            Timeout = timeout ?? DefaultTimeout,
        };

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"{what} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private sealed class AuthorizingHandler(ServiceClients owner, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (owner.Authorize is { } authorize)
            {
                await authorize(request, cancellationToken);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
