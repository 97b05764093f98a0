using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CleanSse.Infrastructure.Realtime;

/// <summary>
/// Whether a request's <c>Accept</c> header allows <c>text/event-stream</c> (RFC 9110, section 12.5.1): the most
/// specific media range that matches it decides (<c>text/event-stream</c>, then <c>text/*</c>, then <c>*/*</c>), and a
/// quality of 0 means "not acceptable". No header, or one that does not parse, accepts anything.
/// </summary>
internal static class StreamAcceptance
{
    private const string EventStream = "text/event-stream";

    public static bool Accepts(StringValues accept)
    {
        if (StringValues.IsNullOrEmpty(accept) || !MediaTypeHeaderValue.TryParseList(accept, out var ranges))
        {
            return true;
        }

        var bestSpecificity = 0;
        var bestQuality = 0.0;
        foreach (var range in ranges)
        {
            var specificity = Specificity(range);
            if (specificity == 0 || specificity < bestSpecificity)
            {
                continue;
            }

            var quality = range.Quality ?? 1.0;
            bestQuality = specificity > bestSpecificity ? quality : Math.Max(bestQuality, quality);
            bestSpecificity = specificity;
        }

        return bestSpecificity > 0 && bestQuality > 0;
    }

    private static int Specificity(MediaTypeHeaderValue range)
    {
        if (range.MatchesAllTypes)
        {
            return 1;
        }

        if (range.MatchesAllSubTypes)
        {
            return range.Type.Equals("text", StringComparison.OrdinalIgnoreCase) ? 2 : 0;
        }

        return range.MediaType.Equals(EventStream, StringComparison.OrdinalIgnoreCase) ? 3 : 0;
    }
}
