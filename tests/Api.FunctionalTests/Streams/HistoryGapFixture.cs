using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>A service that keeps only the five newest events for replay.</summary>
public sealed class HistoryGapFixture : ServiceHostFixture
{
    public const int RetainedEvents = 5;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Realtime:History:MaxEvents"] = RetainedEvents.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
