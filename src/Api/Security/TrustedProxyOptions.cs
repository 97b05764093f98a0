using System.Net;

namespace CleanSse.Api.Security;

/// <summary>
/// Proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed (<c>ForwardedHeaders:KnownProxies</c>,
/// IP addresses). None by default: a client could otherwise claim any address and slip past per-address limits.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string SectionName = "ForwardedHeaders";

    public IReadOnlyList<string> KnownProxies { get; set; } = [];

    public static TrustedProxyOptions From(IConfiguration configuration) => new()
    {
        KnownProxies = ConfiguredList.Read(configuration, $"{SectionName}:KnownProxies"),
    };

    public IEnumerable<IPAddress> Addresses => KnownProxies.Select(IPAddress.Parse);

    public bool IsValid(out string problem)
    {
        var invalid = KnownProxies.FirstOrDefault(proxy => !IPAddress.TryParse(proxy, out _));
        problem = invalid is null ? string.Empty : $"ForwardedHeaders:KnownProxies: '{invalid}' is not an IP address.";
        return invalid is null;
    }
}
