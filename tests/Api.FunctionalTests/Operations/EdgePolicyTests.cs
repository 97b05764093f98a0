using System.Net;
using System.Net.Http.Headers;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Operations;

/// <summary>
/// The service behind a proxy (forwarded headers from known proxies only), called from other origins (CORS), and
/// protected from floods of writes (the rate limiter); and settings that are checked when it starts.
/// </summary>
public sealed class EdgePolicyTests
{
    private const string Shop = "https://shop.example";
    private const string Admin = "https://admin.example";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Behind_a_known_proxy_the_per_address_stream_limit_applies_to_each_forwarded_client()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            ["Realtime:MaxConnectionsPerAddress"] = "1",
        }, cancellationToken: Cancellation);
        using var client = StreamClient(host);

        using var first = await OpenStreamAsync(client, forwardedFor: "203.0.113.7");
        using var second = await OpenStreamAsync(client, forwardedFor: "203.0.113.8");
        using var firstAgain = await OpenStreamAsync(client, forwardedFor: "203.0.113.7");

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        firstAgain.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Without_known_proxies_a_forwarded_address_is_not_believed()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["Realtime:MaxConnectionsPerAddress"] = "1",
        }, cancellationToken: Cancellation);
        using var client = StreamClient(host);

        using var first = await OpenStreamAsync(client, forwardedFor: "203.0.113.7");
        using var claimsToBeAnother = await OpenStreamAsync(client, forwardedFor: "203.0.113.8");

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        claimsToBeAnother.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Theory]
    [InlineData("Cors:AllowedOrigins", $"{Shop}, {Admin}/")]
    [InlineData("Cors:AllowedOrigins:1", Admin)]
    public async Task Allowed_origins_get_cors_with_credentials_for_the_api_and_the_stream(string key, string value)
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["Cors:AllowedOrigins:0"] = key.EndsWith(":1", StringComparison.Ordinal) ? Shop : null,
            [key] = value,
        }, cancellationToken: Cancellation);
        using var client = host.CreateClient();

        foreach (var origin in new[] { Shop, Admin })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, OrdersApiClient.OrdersPath);
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "content-type, idempotency-key");
            using var answer = await client.SendAsync(preflight, Cancellation);
            ((int)answer.StatusCode).ShouldBeInRange(200, 299);
            AllowedOrigin(answer).ShouldBe(origin);
            answer.Headers.GetValues("Access-Control-Allow-Credentials").ShouldBe(["true"]);

            using var list = new HttpRequestMessage(HttpMethod.Get, OrdersApiClient.OrdersPath);
            list.Headers.Add("Origin", origin);
            using var listed = await client.SendAsync(list, Cancellation);
            listed.StatusCode.ShouldBe(HttpStatusCode.OK);
            AllowedOrigin(listed).ShouldBe(origin);
        }

        using var streams = StreamClient(host);
        using var stream = await OpenStreamAsync(streams, origin: Shop);
        stream.StatusCode.ShouldBe(HttpStatusCode.OK);
        AllowedOrigin(stream).ShouldBe(Shop);
        stream.Headers.GetValues("Access-Control-Allow-Credentials").ShouldBe(["true"]);
    }

    [Fact]
    public async Task Other_origins_get_no_cors_headers()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["Cors:AllowedOrigins"] = Shop,
        }, cancellationToken: Cancellation);
        using var client = host.CreateClient();

        using var preflight = new HttpRequestMessage(HttpMethod.Options, OrdersApiClient.OrdersPath);
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var answer = await client.SendAsync(preflight, Cancellation);
        using var list = new HttpRequestMessage(HttpMethod.Get, OrdersApiClient.OrdersPath);
        list.Headers.Add("Origin", "https://evil.example");
        using var listed = await client.SendAsync(list, Cancellation);

        answer.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
        listed.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
        listed.Headers.Contains("Access-Control-Allow-Credentials").ShouldBeFalse();
    }

    [Fact]
    public async Task Without_allowed_origins_no_request_gets_cors_headers()
    {
        await using var host = await ServiceHost.StartAsync(cancellationToken: Cancellation);
        using var client = host.CreateClient();
        using var list = new HttpRequestMessage(HttpMethod.Get, OrdersApiClient.OrdersPath);
        list.Headers.Add("Origin", Shop);

        using var listed = await client.SendAsync(list, Cancellation);

        listed.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    [Fact]
    public async Task Writes_past_the_limit_get_429_with_retry_after_per_user_while_reads_go_on()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:PermitLimit"] = "3",
            ["RateLimiting:Window"] = "00:01:00",
        }, cancellationToken: Cancellation);
        var staff = host.Orders;

        var order = await staff.CreateAsync(cancellationToken: Cancellation);
        await staff.CreateAsync(cancellationToken: Cancellation);
        await staff.ChangeStatusAsync(order.Id, "paid", Cancellation);
        using var refused = await staff.PostAsync(OrdersApiClient.NewOrder("one too many"), Cancellation);

        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        problem.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
        refused.Headers.RetryAfter.ShouldNotBeNull();
        refused.Headers.RetryAfter.Delta!.Value.ShouldBeGreaterThan(TimeSpan.Zero);
        (await staff.ListIdsAsync(Cancellation)).Count.ShouldBe(2);

        // Reads are not limited, and another user has a limit of their own.
        for (var read = 0; read < 10; read++)
        {
            await staff.GetAtAsync(order.Location!, Cancellation);
        }

        var customer = TestUsers.NewCustomer();
        await host.Clients.RegisterAsync(customer, Cancellation);
        using var customerClient = host.Clients.CreateFor(await host.Clients.LoginAsync(customer, Cancellation));
        await new OrdersApiClient(customerClient).CreateAsync("another user", cancellationToken: Cancellation);
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "not-an-address", "ForwardedHeaders:KnownProxies")]
    [InlineData("Cors:AllowedOrigins:0", "https://shop.example/path", "Cors:AllowedOrigins")]
    [InlineData("Cors:AllowedOrigins", "*", "Cors:AllowedOrigins")]
    [InlineData("RateLimiting:PermitLimit", "0", "PermitLimit")]
    [InlineData("RateLimiting:Window", "00:00:00", "Window")]
    [InlineData("Health:CacheDuration", "-00:00:01", "CacheDuration")]
    [InlineData("Outbox:BatchSize", "0", "Outbox")]
    [InlineData("SecurityHeaders:ContentSecurityPolicies:/", "default-src 'self'", "SecurityHeaders")]
    public async Task A_bad_setting_stops_the_service_from_starting(string key, string value, string named)
    {
        var refused = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(
            new Dictionary<string, string?> { [key] = value }, cancellationToken: Cancellation));

        Describe(refused).ShouldContain(named);
    }

    private static HttpClient StreamClient(ServiceHost host) =>
        host.Clients.Create(new SocketsHttpHandler { MaxResponseDrainSize = 0, PooledConnectionLifetime = TimeSpan.Zero }, Timeout.InfiniteTimeSpan);

    private static async Task<HttpResponseMessage> OpenStreamAsync(HttpClient client, string? forwardedFor = null, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, SseReader.EventsPath);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancellation);
    }

    private static string? AllowedOrigin(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? string.Join(",", values) : null;

    private static string Describe(Exception exception) =>
        exception is AggregateException aggregate
            ? string.Join(" | ", aggregate.InnerExceptions.Select(Describe))
            : exception.Message + (exception.InnerException is { } inner ? " | " + Describe(inner) : string.Empty);
}
