using System.Globalization;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>A service that lets a client fall 256 KiB behind, counted in bytes rather than events.</summary>
public sealed class SlowClientFixture : ServiceHostFixture
{
    public const long MaxQueuedBytes = 256 * 1024;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Realtime:MaxQueuedBytes"] = MaxQueuedBytes.ToString(CultureInfo.InvariantCulture),
        ["Realtime:MaxQueuedEvents"] = "100000",
        ["Realtime:History:MaxEvents"] = "64",
    };
}
