using System.Net;
using CleanSse.TestKit;
using Microsoft.Data.Sqlite;

namespace CleanSse.Api.FunctionalTests.Orders;

/// <summary><c>/healthz</c> follows the database: 200 while it is usable, 503 once it is not.</summary>
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

        using var unhealthy = await client.GetAsync("/healthz", TestContext.Current.CancellationToken);
        unhealthy.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }
}
