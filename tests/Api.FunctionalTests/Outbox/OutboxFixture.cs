using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Outbox;

/// <summary>A service whose outbox is swept only at start and when a test asks, so a test decides when rows are swept.</summary>
public sealed class OutboxFixture : ServiceHostFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Outbox:PollInterval"] = "01:00:00",
    };
}
