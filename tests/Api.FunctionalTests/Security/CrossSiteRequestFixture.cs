using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Security;

/// <summary>A service that lets one other origin, a shop's front end, call it with the cookie.</summary>
public sealed class CrossSiteRequestFixture : ServiceHostFixture
{
    public const string AllowedOrigin = "https://shop.example";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Cors:AllowedOrigins:0"] = AllowedOrigin,
    };
}
