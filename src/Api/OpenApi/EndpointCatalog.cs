using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing.Patterns;

namespace CleanSse.Api.OpenApi;

/// <summary>Every mapped route as the document names it: a method and a path with <c>{parameter}</c> placeholders.</summary>
internal static class EndpointCatalog
{
    /// <summary>Each route endpoint with each method it answers (GET for a route that accepts any method).</summary>
    public static IEnumerable<(string Method, string Path, RouteEndpoint Endpoint)> Operations(EndpointDataSource endpoints)
    {
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get];
            foreach (var method in methods)
            {
                yield return (method.ToUpperInvariant(), DocumentPath(endpoint.RoutePattern), endpoint);
            }
        }
    }

    /// <summary>The route's path as OpenAPI writes it: no constraints, defaults or trailing slash.</summary>
    public static string DocumentPath(RoutePattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
            _ => string.Empty,
        })));
        return "/" + string.Join('/', segments);
    }

    /// <summary>Whether the route needs a signed-in user: it carries authorization data and does not allow anonymous callers.</summary>
    public static bool RequiresSignIn(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;
}
