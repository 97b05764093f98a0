using System.Globalization;
using CleanSse.Api.FunctionalTests.Support;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>A service that lets a client fall 256 KiB behind, counted in bytes rather than events.</summary>
public sealed class SlowClientFixture : HostFixture
{
    public const long MaxQueuedBytes = 256 * 1024;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Realtime:MaxQueuedBytes"] = MaxQueuedBytes.ToString(CultureInfo.InvariantCulture),
        ["Realtime:MaxQueuedEvents"] = "100000",
        ["Realtime:History:MaxEvents"] = "64",
    };
}
