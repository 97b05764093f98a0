using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Configuration;

/// <summary>The Redis settings are checked when the service starts, like every other section, not on first use.</summary>
public sealed class RedisSettingsTests
{
    [Theory]
    [InlineData("Realtime:KeyPrefix", "two words", "Realtime:KeyPrefix")]
    [InlineData("Realtime:ReadBlock", "00:00:00", "Realtime:ReadBlock")]
    public async Task A_bad_redis_setting_stops_the_service_from_starting(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            // Never connected to: the settings are refused before anything is.
            ["ConnectionStrings:Redis"] = "127.0.0.1:1,abortConnect=false",
            [key] = value,
        };

        var refused = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(settings, cancellationToken: TestContext.Current.CancellationToken));

        Describe(refused).ShouldContain(named);
    }

    private static string Describe(Exception exception) =>
        exception is AggregateException aggregate
            ? string.Join(" | ", aggregate.InnerExceptions.Select(Describe))
            : exception.Message + (exception.InnerException is { } inner ? " | " + Describe(inner) : string.Empty);
}
