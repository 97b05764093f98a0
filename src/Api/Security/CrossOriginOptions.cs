namespace CleanSse.Api.Security;

/// <summary>
/// Origins whose pages may call the API and open event streams with credentials (<c>Cors:AllowedOrigins</c>). None by
/// default: then no CORS header is ever sent. Each is an origin, <c>scheme://host[:port]</c>, without a path.
/// </summary>
public sealed class CrossOriginOptions
{
    public const string SectionName = "Cors";

    public IReadOnlyList<string> AllowedOrigins { get; set; } = [];

    public static CrossOriginOptions From(IConfiguration configuration) => new()
    {
        AllowedOrigins = [.. ConfiguredList.Read(configuration, $"{SectionName}:AllowedOrigins").Select(origin => origin.TrimEnd('/'))],
    };

    public bool IsValid(out string problem)
    {
        foreach (var origin in AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.PathAndQuery != "/"
                || origin.Contains('*', StringComparison.Ordinal))
            {
                problem = $"Cors:AllowedOrigins: '{origin}' is not an origin (scheme://host[:port], no path, no wildcard).";
                return false;
            }
        }

        problem = string.Empty;
        return true;
    }
}
