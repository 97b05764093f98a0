using System.Globalization;

namespace CleanSse.Api.Endpoints;

/// <summary>An order's version as an HTTP entity tag, and the versions an <c>If-Match</c> header names (RFC 9110).</summary>
public static class EntityTags
{
    /// <summary>The strong tag of a version: <c>"7"</c>.</summary>
    public static string Of(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>
    /// The versions an <c>If-Match</c> value accepts: null when it sets no precondition (absent, or <c>*</c>). If-Match
    /// compares strongly, so a weak tag (<c>W/"7"</c>) or anything that is not one of our tags matches nothing, and a
    /// value naming none of our versions yields an empty list: the change is refused as stale.
    /// </summary>
    public static IReadOnlyCollection<long>? VersionsIn(string? ifMatch)
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return null;
        }

        var versions = new List<long>();
        foreach (var tag in ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (tag == "*")
            {
                return null;
            }

            if (tag is ['"', .. var inner, '"']
                && inner.Length is > 0 and <= 19
                && inner.All(char.IsAsciiDigit)
                && long.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                versions.Add(version);
            }
        }

        return versions;
    }
}
