using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CleanSse.Api.Security;

/// <summary>
/// Refuses cross-site request forgery: a write to <c>/api</c> signed in by the cookie alone is served only when the
/// browser says it comes from this origin (<c>Sec-Fetch-Site: same-origin</c>, or an <c>Origin</c> equal to the
/// request's own or listed in <c>Cors:AllowedOrigins</c>). A browser attaches the cookie to a forged request by
/// itself, but never a bearer token, so requests with an <c>Authorization</c> header pass untouched; anonymous ones
/// too, since they act for nobody. The SameSite cookie already keeps most cross-site requests unsigned; this check
/// does not depend on the browser honouring it.
/// </summary>
public sealed class CrossSiteRequestGuard(RequestDelegate next, IOptions<CrossOriginOptions> crossOrigin, IProblemDetailsService problemDetails)
{
    // The origins CORS lets in, in either configured form (array or comma-separated).
    private readonly HashSet<string> _allowedOrigins = new(crossOrigin.Value.AllowedOrigins, StringComparer.OrdinalIgnoreCase);

    // Not async itself: a request that passes keeps no frame of this middleware while the rest of it runs.
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return !IsCookieAuthenticatedWrite(context) || IsSameOriginOrAllowed(context.Request) ? next(context) : RefuseAsync(context);
    }

    private async Task RefuseAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Cross-site request refused",
                Detail = "A change signed in by the cookie must come from this site's own pages; other clients send a bearer token.",
            },
        });
    }

    private static bool IsCookieAuthenticatedWrite(HttpContext context) =>
        !HttpMethods.IsGet(context.Request.Method)
        && !HttpMethods.IsHead(context.Request.Method)
        && !HttpMethods.IsOptions(context.Request.Method)
        && !HttpMethods.IsTrace(context.Request.Method)
        && context.Request.Path.StartsWithSegments("/api")
        && StringValues.IsNullOrEmpty(context.Request.Headers.Authorization)
        && context.User.Identity?.IsAuthenticated == true;

    private bool IsSameOriginOrAllowed(HttpRequest request)
    {
        if (string.Equals(request.Headers["Sec-Fetch-Site"], "same-origin", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var origin = request.Headers[HeaderNames.Origin].ToString();
        if (origin.Length == 0 || origin == "null")
        {
            return false;
        }

        var own = $"{request.Scheme}://{request.Host}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) || _allowedOrigins.Contains(origin);
    }
}
