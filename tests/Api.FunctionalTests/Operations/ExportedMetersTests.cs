using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Operations;

/// <summary>
/// What <c>/metrics</c> exports: the service's own meters and ASP.NET Core's request meter always, Kestrel's connection
/// meter only when <c>Metrics:Kestrel</c> asks for it (while it is listened to, every connection keeps its tags).
/// </summary>
public sealed class ExportedMetersTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task By_default_the_scrape_has_requests_but_not_Kestrels_connections()
    {
        var scrape = await ScrapeAfterARequestAsync(settings: null);

        scrape.ShouldContain("http_server_request_duration_seconds");
        scrape.ShouldNotContain("kestrel_");
    }

    [Fact]
    public async Task Metrics_Kestrel_adds_Kestrels_connection_meter()
    {
        var scrape = await ScrapeAfterARequestAsync(new Dictionary<string, string?> { ["Metrics:Kestrel"] = "true" });

        scrape.ShouldContain("kestrel_active_connections");
        scrape.ShouldContain("http_server_request_duration_seconds");
    }

    private static async Task<string> ScrapeAfterARequestAsync(IReadOnlyDictionary<string, string?>? settings)
    {
        await using var host = await ServiceHost.StartAsync(settings, cancellationToken: Cancellation);
        using var client = host.CreateClient();
        using var answered = await client.GetAsync("/healthz/live", Cancellation);
        answered.EnsureSuccessStatusCode();
        return await Metrics.ScrapeAsync(client);
    }
}
