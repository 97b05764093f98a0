using System.Net;
using CleanSse.TestKit;
using Microsoft.Data.Sqlite;

namespace CleanSse.Api.FunctionalTests.Orders;

/// <summary>
/// Readiness follows the database: 200 while it is usable, 503 once it is not (within the second a result is reused);
/// liveness does not, so an outage never has the process restarted.
/// </summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_answers_503_once_the_database_is_gone()
    {
        await using var host = await ServiceHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var client = host.CreateClient();
        using (var healthy = await client.GetAsync("/healthz", TestContext.Current.CancellationToken))
        {
            healthy.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // Without its folder, SQLite can neither open the file nor create a new one.
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(host.DatabasePath)!, recursive: true);

        foreach (var path in new[] { "/healthz", "/healthz/ready" })
        {
            await Eventually.HoldsAsync(
                async () =>
                {
                    using var unhealthy = await client.GetAsync(path, TestContext.Current.CancellationToken);
                    return unhealthy.StatusCode == HttpStatusCode.ServiceUnavailable;
                },
                $"{path} to answer 503",
                TimeSpan.FromSeconds(5),
                TestContext.Current.CancellationToken);
        }

        using var live = await client.GetAsync("/healthz/live", TestContext.Current.CancellationToken);
        live.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
