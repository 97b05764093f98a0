using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>A service that accepts two streams per client address and three in all.</summary>
public sealed class ConnectionLimitFixture : ServiceHostFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Realtime:MaxConnectionsPerAddress"] = "2",
        ["Realtime:MaxConnections"] = "3",
    };
}
