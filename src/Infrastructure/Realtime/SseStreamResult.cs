using CleanSse.Infrastructure.Realtime.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CleanSse.Infrastructure.Realtime;

/// <summary>
/// Writes an admitted stream. The headers and the <c>connected</c> message leave together, at once (the built-in
/// <c>TypedResults.ServerSentEvents</c> holds headers until its first item and cannot write the comments heartbeats
/// need), and nothing between here and the socket may buffer or compress the stream.
/// </summary>
public sealed class SseStreamResult(SseConnection connection, string? lastEventId, EventStreamSession session) : IResult
{
    public const string ContentType = "text/event-stream";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        // No separate start: the headers leave with the first frame, the connected message, which is queued at once. A
        // headers-only write per stream would cost a send of its own and hold a transport buffer between the two.
        await session.RunAsync(connection, lastEventId, response.BodyWriter);

        if (connection.DisconnectReason == DisconnectReason.SlowClient)
        {
            // Finishing the response politely would wait on the very client that stopped reading.
            httpContext.Abort();
        }
    }
}
