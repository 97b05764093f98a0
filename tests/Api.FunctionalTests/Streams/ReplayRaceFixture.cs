using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>A service that replays in small batches, so a catch-up spans many reads of a log that keeps growing.</summary>
public sealed class ReplayRaceFixture : ServiceHostFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Realtime:ReplayBatchSize"] = "16",
    };
}
