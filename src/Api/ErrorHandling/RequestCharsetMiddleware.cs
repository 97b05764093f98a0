using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace CleanSse.Api.ErrorHandling;

/// <summary>
/// The API reads JSON in UTF-8 only (RFC 8259). A body that declares another charset is refused with 415 before
/// anything reads it: the framework would otherwise transcode it, turning bytes it cannot map into <c>?</c> or U+FFFD,
/// or fail on a name it does not know. UTF-8 is accepted however RFC 9110 lets it be written (any case, quoted), and
/// the header is rewritten to the one form the JSON reader understands.
/// </summary>
public sealed class RequestCharsetMiddleware(RequestDelegate next, IProblemDetailsService problemDetails)
{
    // Not async itself: a request without a charset, every event stream among them, keeps no frame of this middleware.
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var contentType = context.Request.ContentType;
        if (contentType is null || !contentType.Contains("charset", StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        if (MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            && HeaderUtilities.RemoveQuotes(mediaType.Charset).Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            context.Request.ContentType = $"{mediaType.MediaType}; charset=utf-8";
            return next(context);
        }

        return RefuseAsync(context);
    }

    private async Task RefuseAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status415UnsupportedMediaType },
        });
    }
}
