using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;

namespace CleanSse.Api.Endpoints;

/// <summary>The event stream: admission against the connection limits, then the stream itself.</summary>
public static class EventsEndpoints
{
    public const string LastEventIdHeader = "Last-Event-ID";

    // A browser's EventSource cannot set headers on its first request, so the id may come in the query instead.
    public const string LastEventIdQuery = "lastEventId";

    public static RouteGroupBuilder MapEventsEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/events", OpenStream)
            .WithName(nameof(OpenStream))
            .WithTags("Events")
            .Produces(StatusCodes.Status200OK, contentType: SseStreamResult.ContentType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    public static IResult OpenStream(HttpContext httpContext, SseConnectionHub hub)
    {
        var address = httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var refusal = hub.TryOpen(address, httpContext.RequestAborted, out var connection);
        switch (refusal)
        {
            case ConnectionRefusal.None:
                return new SseStreamResult(connection!, LastEventId(httpContext.Request));
            case ConnectionRefusal.ShuttingDown:
                // An error status would end a browser's EventSource for good; a stream that only says "retry" does not.
                return new SseRetryResult(hub.ShutdownRetry);
            case ConnectionRefusal.TooManyFromAddress:
                httpContext.Response.Headers.RetryAfter = "10";
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many event streams from this client",
                    detail: "Close another stream of this client, or retry later.");
            default:
                httpContext.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "The service accepts no more event streams now",
                    detail: "Retry later, or connect to another instance.");
        }
    }

    private static string? LastEventId(HttpRequest request)
    {
        var header = request.Headers[LastEventIdHeader].ToString();
        if (!string.IsNullOrEmpty(header))
        {
            return header;
        }

        var query = request.Query[LastEventIdQuery].ToString();
        return string.IsNullOrEmpty(query) ? null : query;
    }
}
