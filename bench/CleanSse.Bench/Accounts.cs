using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CleanSse.Bench;

/// <summary>
/// Signs the bench in to a CleanSse server (ASP.NET Core Identity's <c>/api/auth</c> endpoints, bearer tokens).
/// A server without identity (an earlier build, a competitor) answers 404 there and is used signed out.
/// </summary>
public sealed class Accounts : IDisposable
{
    /// <summary>The staff account every CleanSse server the bench starts creates at start-up (<c>Auth:DemoStaff</c>).</summary>
    public const string StaffEmail = "bench-staff@bench.invalid";

    // Meets Identity's default password rules: upper and lower case, a digit, a symbol, six characters or more.
    public const string Password = "Bench-pass-1";

    private readonly HttpClient _http;
    private readonly Uri _server;

    public Accounts(Uri server)
    {
        _server = server;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>The staff account's access token, or null when the server has no sign-in at all.</summary>
    public async Task<string?> StaffTokenAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(
            new Uri(_server, "/api/auth/login"), new Credentials(StaffEmail, Password), cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            return null;
        }

        return await TokenAsync(response, StaffEmail, cancellationToken);
    }

    /// <summary>Registers a customer account and signs it in: its access token.</summary>
    public async Task<string> CustomerTokenAsync(string email, CancellationToken cancellationToken)
    {
        var credentials = new Credentials(email, Password);
        using (var registered = await _http.PostAsJsonAsync(new Uri(_server, "/api/auth/register"), credentials, cancellationToken))
        {
            if (!registered.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(
                    $"register {email} answered {(int)registered.StatusCode}: {await registered.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        using var response = await _http.PostAsJsonAsync(new Uri(_server, "/api/auth/login"), credentials, cancellationToken);
        return await TokenAsync(response, email, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private static async Task<string> TokenAsync(HttpResponseMessage response, string email, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"login {email} answered {(int)response.StatusCode}.");
        }

        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return body.RootElement.GetProperty("accessToken").GetString()
            ?? throw new InvalidOperationException($"login {email} gave no access token.");
    }

    private sealed record Credentials(string Email, string Password);
}
