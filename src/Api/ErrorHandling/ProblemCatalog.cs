using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace CleanSse.Api.ErrorHandling;

/// <summary>
/// One <c>type</c> and one title per status, so a client can rely on the same shape for the same status wherever it
/// comes from. A title given by whoever raised the problem is kept (it says more), unless it is only the status's
/// reason phrase, which is what the framework's own answers carry; a missing detail is filled for the statuses that
/// have a standard one.
/// </summary>
public static class ProblemCatalog
{
    public const string UnsupportedMediaTypeDetail = "Send the body as JSON (Content-Type: application/json), encoded in UTF-8.";

    private static readonly Dictionary<int, Entry> Entries = new()
    {
        [StatusCodes.Status400BadRequest] = new("https://tools.ietf.org/html/rfc9110#section-15.5.1", "Bad request", null),
        [StatusCodes.Status401Unauthorized] = new("https://tools.ietf.org/html/rfc9110#section-15.5.2", "Unauthorized", null),
        [StatusCodes.Status403Forbidden] = new("https://tools.ietf.org/html/rfc9110#section-15.5.4", "Forbidden", null),
        [StatusCodes.Status404NotFound] = new("https://tools.ietf.org/html/rfc9110#section-15.5.5", "Not found", "There is nothing at this address."),
        [StatusCodes.Status405MethodNotAllowed] = new("https://tools.ietf.org/html/rfc9110#section-15.5.6", "Method not allowed", "This address does not answer this method; the Allow header lists those it does."),
        [StatusCodes.Status406NotAcceptable] = new("https://tools.ietf.org/html/rfc9110#section-15.5.7", "Not acceptable", null),
        [StatusCodes.Status409Conflict] = new("https://tools.ietf.org/html/rfc9110#section-15.5.10", "Conflict", null),
        [StatusCodes.Status412PreconditionFailed] = new("https://tools.ietf.org/html/rfc9110#section-15.5.13", "Precondition failed", null),
        [StatusCodes.Status413PayloadTooLarge] = new("https://tools.ietf.org/html/rfc9110#section-15.5.14", "Request body too large", null),
        [StatusCodes.Status415UnsupportedMediaType] = new("https://tools.ietf.org/html/rfc9110#section-15.5.16", "Unsupported media type", UnsupportedMediaTypeDetail),
        [StatusCodes.Status422UnprocessableEntity] = new("https://tools.ietf.org/html/rfc9110#section-15.5.21", "Unprocessable content", null),
        [StatusCodes.Status429TooManyRequests] = new("https://tools.ietf.org/html/rfc6585#section-4", "Too many requests", "Retry after the delay the Retry-After header gives."),
        [StatusCodes.Status500InternalServerError] = new("https://tools.ietf.org/html/rfc9110#section-15.6.1", "An unexpected error occurred", null),
        [StatusCodes.Status503ServiceUnavailable] = new("https://tools.ietf.org/html/rfc9110#section-15.6.4", "Service unavailable", null),
    };

    /// <summary>Fills in what <paramref name="problem"/> lacks for its status (<paramref name="responseStatus"/> if it names none).</summary>
    public static void Complete(ProblemDetails problem, int responseStatus)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var status = problem.Status ??= responseStatus;
        if (!Entries.TryGetValue(status, out var entry))
        {
            problem.Type ??= "about:blank";
            problem.Title ??= ReasonPhrases.GetReasonPhrase(status);
            return;
        }

        problem.Type ??= entry.Type;
        if (problem.Title is null || string.Equals(problem.Title, ReasonPhrases.GetReasonPhrase(status), StringComparison.OrdinalIgnoreCase))
        {
            problem.Title = entry.Title;
        }

        problem.Detail ??= entry.Detail;
    }

    private sealed record Entry(string Type, string Title, string? Detail);
}
