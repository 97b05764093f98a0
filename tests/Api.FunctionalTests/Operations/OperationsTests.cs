using System.Net;
using System.Text.Json;
using CleanSse.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CleanSse.Api.FunctionalTests.Operations;

/// <summary>
/// Liveness and readiness, their cost (a probe reuses a recent result) and the methods operators' endpoints answer.
/// </summary>
public sealed class OperationsTests(OperationsTests.Fixture fixture) : IClassFixture<OperationsTests.Fixture>, IDisposable
{
    private readonly HttpClient _client = fixture.Host.CreateClient();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    [InlineData("/healthz")]
    public async Task Health_answers_200_with_its_status_in_the_body(string path)
    {
        using var response = await _client.GetAsync(path, Cancellation);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        body.RootElement.GetProperty("status").GetString().ShouldBe("Healthy");
    }

    [Fact]
    public async Task Liveness_runs_no_check_and_readiness_runs_them_all()
    {
        using var live = JsonDocument.Parse(await _client.GetStringAsync("/healthz/live", Cancellation));
        using var ready = JsonDocument.Parse(await _client.GetStringAsync("/healthz/ready", Cancellation));

        live.RootElement.GetProperty("checks").EnumerateObject().ShouldBeEmpty();
        ready.RootElement.GetProperty("checks").EnumerateObject().Select(check => check.Name).ShouldContain("orders-database");
    }

    [Fact]
    public async Task Probes_in_quick_succession_share_one_run_of_each_check()
    {
        var before = fixture.Counter.Runs;
        for (var probe = 0; probe < 40; probe++)
        {
            using var response = await _client.GetAsync("/healthz/ready", Cancellation);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // 40 probes within the test's few hundred milliseconds; with a one-second cache, a run per second at most.
        (fixture.Counter.Runs - before).ShouldBeLessThanOrEqualTo(3);
    }

    [Fact]
    public async Task Probes_in_quick_succession_share_one_report()
    {
        // Issue 13: each probe still made a service scope, the check objects and a report, with every result shared.
        var health = fixture.Host.Services.GetRequiredService<HealthCheckService>();
        Func<HealthCheckRegistration, bool> ready = _ => true;

        var first = await health.CheckHealthAsync(ready, Cancellation);
        var second = await health.CheckHealthAsync(ready, Cancellation);
        var live = await health.CheckHealthAsync(_ => false, Cancellation);

        second.ShouldBeSameAs(first);
        live.ShouldNotBeSameAs(first, "each set of checks has its own report");
        live.Entries.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("POST", "/healthz")]
    [InlineData("PUT", "/healthz/live")]
    [InlineData("DELETE", "/healthz/ready")]
    [InlineData("PATCH", "/metrics")]
    [InlineData("POST", "/metrics")]
    public async Task Health_and_metrics_answer_other_methods_with_405(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await _client.SendAsync(request, Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed);
        response.Content.Headers.Allow.ShouldBe(["GET", "HEAD"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    [InlineData("/metrics")]
    public async Task Health_and_metrics_answer_head(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, path);

        using var response = await _client.SendAsync(request, Cancellation);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>The service with one more check, which counts its runs.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private ServiceHost? _host;

        public ServiceHost Host => _host ?? throw new InvalidOperationException("The fixture has not started yet.");

        public CountingCheck Counter { get; } = new();

        public async ValueTask InitializeAsync() =>
            _host = await ServiceHost.StartAsync(configureServices: services => services.AddHealthChecks().AddCheck("counted", Counter));

        public async ValueTask DisposeAsync()
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }
        }
    }

    public sealed class CountingCheck : IHealthCheck
    {
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _runs);
            return Task.FromResult(HealthCheckResult.Healthy());
        }
    }
}
