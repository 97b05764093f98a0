using CleanSse.Api.Endpoints;
using Microsoft.Extensions.Options;

namespace CleanSse.Api.Security;

/// <summary>
/// Puts the security headers on every response: <c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy</c>,
/// <c>X-Frame-Options: DENY</c> and the Content-Security-Policy of the request's part of the site. They are added as the
/// response starts, so the ones that error handling clears and rewrites carry them too.
/// </summary>
public sealed class SecurityHeadersMiddleware
{
    private static readonly Func<object, Task> AddHeaders = static state =>
    {
        var (context, policy, referrerPolicy) = ((HttpContext, string, string))state;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = referrerPolicy;
        // A page that draws its own policy (the API reference names a fresh script nonce in it) keeps that one.
        if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
        {
            headers.ContentSecurityPolicy = policy;
        }

        return Task.CompletedTask;
    };

    private readonly RequestDelegate _next;
    private readonly (PathString Prefix, string Policy)[] _policies;
    private readonly string _referrerPolicy;

    public SecurityHeadersMiddleware(RequestDelegate next, IOptions<SecurityHeadersOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        // Longest prefix first, so the first match is the most specific.
        _policies = [.. options.Value.ContentSecurityPolicies
            .Select(entry => (Prefix: new PathString(entry.Key.TrimEnd('/')), Policy: entry.Value))
            .OrderByDescending(entry => entry.Prefix.Value!.Length)];
        _referrerPolicy = options.Value.ReferrerPolicy;
    }

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = (context, PolicyFor(context.Request.Path), _referrerPolicy);
        if (EventsEndpoints.IsStreamRequest(context.Request))
        {
            // Nothing clears an event stream's headers (it answers its own refusals and failures, outside the error
            // middleware), and a callback registered here would stay in the request for the stream's whole life.
            AddHeaders(state);
        }
        else
        {
            context.Response.OnStarting(AddHeaders, state);
        }

        return _next(context);
    }

    private string PolicyFor(PathString path)
    {
        foreach (var (prefix, policy) in _policies)
        {
            if (!prefix.HasValue || path.StartsWithSegments(prefix))
            {
                return policy;
            }
        }

        return SecurityHeadersOptions.NoContentPolicy;
    }
}
