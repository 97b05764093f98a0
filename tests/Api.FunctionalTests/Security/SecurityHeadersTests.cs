using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CleanSse.Api.FunctionalTests.Orders;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Security;

/// <summary>
/// Every answer, the dashboard's, the API's, its errors and the event stream's, carries the security headers; the
/// dashboard's policy allows no inline script or style, and Kestrel does not name itself.
/// </summary>
public sealed partial class SecurityHeadersTests(OrdersApiFixture fixture) : IClassFixture<OrdersApiFixture>, IDisposable
{
    private readonly HttpClient _client = fixture.Host.CreateClient();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Requests => new()
    {
        { "GET", "/" },
        { "GET", "/index.html" },
        { "GET", "/app.js" },
        { "GET", "/app.css" },
        { "GET", "/api/orders" },
        { "GET", "/api/orders/no-such-order" },
        { "GET", "/api/nothing-here" },
        { "POST", "/api/orders" },
        { "DELETE", "/api/orders/some-id" },
        { "GET", "/healthz" },
        { "GET", "/healthz/live" },
        { "GET", "/metrics" },
        { "GET", "/no-such-file.txt" },
    };

    public void Dispose() => _client.Dispose();

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Every_answer_carries_the_security_headers_and_no_server_header(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = OrdersApiClient.Json("""{"customer":""}""");
        }

        using var response = await _client.SendAsync(request, Cancellation);

        ShouldCarrySecurityHeaders(response);
    }

    [Fact]
    public async Task The_event_stream_carries_the_security_headers()
    {
        await using var stream = await SseReader.ConnectAsync(fixture.Host);

        ShouldCarrySecurityHeaders(stream.Response);
    }

    [Fact]
    public async Task A_refused_stream_carries_them_too()
    {
        using var anonymous = fixture.Host.Clients.CreateAnonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, SseReader.EventsPath);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var response = await anonymous.SendAsync(request, Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        ShouldCarrySecurityHeaders(response);
    }

    [Fact]
    public async Task The_dashboard_policy_allows_only_this_sites_scripts_and_styles_and_nothing_inline()
    {
        using var response = await _client.GetAsync("/", Cancellation);

        var policy = Directives(response);
        policy["script-src"].ShouldBe(["'self'"]);
        policy["style-src"].ShouldBe(["'self'"]);
        policy["frame-ancestors"].ShouldBe(["'none'"]);
        policy["object-src"].ShouldBe(["'none'"]);
        string.Join(' ', policy.Values.SelectMany(values => values)).ShouldNotContain("unsafe", Case.Insensitive);
    }

    [Theory]
    [InlineData("/api/orders")]
    [InlineData("/healthz")]
    [InlineData("/metrics")]
    public async Task Api_answers_may_load_nothing_at_all(string path)
    {
        using var response = await _client.GetAsync(path, Cancellation);

        Directives(response)["default-src"].ShouldBe(["'none'"]);
    }

    /// <summary>What the policy forbids must not be in the pages: the browser would refuse it and the dashboard break.</summary>
    [Fact]
    public void The_dashboard_has_no_inline_script_style_or_handler()
    {
        var root = Path.Combine(RepoPaths.Root, "src", "Api", "wwwroot");
        var offences = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            var name = Path.GetRelativePath(root, file);
            if (file.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
            {
                offences.AddRange(InlineScript().Matches(text).Select(match => $"{name}: {match.Value}"));
                offences.AddRange(StyleElement().Matches(text).Select(match => $"{name}: {match.Value}"));
            }

            if (file.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".js", StringComparison.OrdinalIgnoreCase))
            {
                offences.AddRange(StyleAttribute().Matches(text).Select(match => $"{name}: {match.Value}"));
                offences.AddRange(HandlerAttribute().Matches(text).Select(match => $"{name}: {match.Value}"));
            }
        }

        offences.ShouldBeEmpty();
    }

    private static void ShouldCarrySecurityHeaders(HttpResponseMessage response)
    {
        var described = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}";
        Header(response, "X-Content-Type-Options").ShouldBe("nosniff", described);
        Header(response, "X-Frame-Options").ShouldBe("DENY", described);
        Header(response, "Referrer-Policy").ShouldBe("no-referrer", described);
        (Header(response, "Content-Security-Policy") ?? string.Empty).ShouldContain("frame-ancestors 'none'", Case.Sensitive, described);
        response.Headers.Server.ShouldBeEmpty(described);
        response.Headers.Contains("Server").ShouldBeFalse(described);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    private static Dictionary<string, string[]> Directives(HttpResponseMessage response)
    {
        var policy = Header(response, "Content-Security-Policy");
        policy.ShouldNotBeNull();
        return policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(directive => directive.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(parts => parts[0], parts => parts[1..], StringComparer.Ordinal);
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<style\b", RegexOptions.IgnoreCase)]
    private static partial Regex StyleElement();

    [GeneratedRegex(@"\sstyle\s*=\s*[""'\\]", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex(@"<[^>]*\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex HandlerAttribute();
}
