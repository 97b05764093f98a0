using CleanSse.Chaos;
using CleanSse.TestKit;

namespace CleanSse.ScaleOut.Tests.Chaos;

/// <summary>
/// The chaos run of bench/CleanSse.Chaos for one minute, on SQLite, with Redis killed both with and without its data:
/// any acknowledged change lost, any event a client missed without a reset, saw twice or out of order fails the build.
/// </summary>
public sealed class ChaosRunTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_minute_of_faults_loses_duplicates_and_reorders_nothing()
    {
        if (RedisServer.Find() is null)
        {
            TestResources.Unavailable("redis-server is not on PATH; the chaos run starts its own.");
        }

        var options = new ChaosOptions
        {
            Duration = TimeSpan.FromSeconds(60),
            Store = ChaosStore.Sqlite,
            Persistence = RedisPersistence.Mixed,
        };
        using var log = new StringWriter();
        using var synchronizedLog = TextWriter.Synchronized(log);

        var report = await ChaosRun.RunAsync(options, synchronizedLog, Token);

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        report.Faults.Values.Sum().ShouldBeGreaterThan(5, "faults were injected");
        report.AcknowledgedChanges.ShouldBeGreaterThan(50, "writers got changes through");
        report.Passed.ShouldBeTrue($"{report}\n--- run log ---\n{log}");
    }
}
