using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;
using Microsoft.AspNetCore.Mvc;

namespace CleanSse.Api.Endpoints;

/// <summary>The event stream: admission against the connection limits, then the stream itself.</summary>
public static class EventsEndpoints
{
    public const string LastEventIdHeader = "Last-Event-ID";

    // A browser's EventSource cannot set headers on its first request, so the id may come in the query instead.
    public const string LastEventIdQuery = "lastEventId";

    public const string Path = "/api/events";

    public static bool IsStreamRequest(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpMethods.IsGet(request.Method) && request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase);
    }

    public static RouteGroupBuilder MapEventsEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);

        // Resolved once, and the route is a plain request delegate: a stream then holds no request scope and no
        // result-writing frame of its own, which every idle stream would otherwise keep for its whole life.
        var services = ((IEndpointRouteBuilder)api).ServiceProvider;
        var hub = services.GetRequiredService<SseConnectionHub>();
        var session = services.GetRequiredService<EventStreamSession>();
        api.MapGet("/events", (RequestDelegate)(context => OpenStreamAsync(context, hub, session)))
            .WithName("OpenStream")
            .WithTags("Events")
            .WithMetadata(
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void), [SseStreamResult.ContentType]),
                new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(ProblemDetails), ["application/problem+json"]),
                new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(ProblemDetails), ["application/problem+json"]));
        return api;
    }

    public static Task OpenStreamAsync(HttpContext httpContext, SseConnectionHub hub, EventStreamSession session)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(hub);
        var address = httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var refusal = hub.TryOpen(address, httpContext.RequestAborted, out var connection);
        switch (refusal)
        {
            case ConnectionRefusal.None:
                return new SseStreamResult(connection!, LastEventId(httpContext.Request), session).ExecuteAsync(httpContext);
            case ConnectionRefusal.ShuttingDown:
                // An error status would end a browser's EventSource for good; a stream that only says "retry" does not.
                return new SseRetryResult(hub.ShutdownRetry).ExecuteAsync(httpContext);
            case ConnectionRefusal.TooManyFromAddress:
                httpContext.Response.Headers.RetryAfter = "10";
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many event streams from this client",
                    detail: "Close another stream of this client, or retry later.").ExecuteAsync(httpContext);
            default:
                httpContext.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "The service accepts no more event streams now",
                    detail: "Retry later, or connect to another instance.").ExecuteAsync(httpContext);
        }
    }

    private static string? LastEventId(HttpRequest request)
    {
        var header = request.Headers[LastEventIdHeader].ToString();
        if (!string.IsNullOrEmpty(header))
        {
            return header;
        }

        // Most streams have no query string: parsing one would cost every stream a query feature for its life.
        if (!request.QueryString.HasValue)
        {
            return null;
        }

        var query = request.Query[LastEventIdQuery].ToString();
        return string.IsNullOrEmpty(query) ? null : query;
    }
}
