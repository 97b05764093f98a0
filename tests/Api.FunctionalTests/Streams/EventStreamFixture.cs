using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>A service whose idle streams get a heartbeat every 300 ms.</summary>
public sealed class EventStreamFixture : ServiceHostFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Realtime:HeartbeatInterval"] = "00:00:00.300",
    };
}
