using CleanSse.Infrastructure.Realtime.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Infrastructure.Realtime;

/// <summary>
/// Writes an admitted stream. The headers and the <c>connected</c> message leave at once (the built-in
/// <c>TypedResults.ServerSentEvents</c> holds headers until its first item and cannot write the comments heartbeats
/// need), and nothing between here and the socket may buffer or compress the stream.
/// </summary>
public sealed class SseStreamResult(SseConnection connection, string? lastEventId) : IResult
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

        var session = httpContext.RequestServices.GetRequiredService<EventStreamSession>();
        try
        {
            await response.StartAsync(connection.Aborted);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            // The client left before the stream began; the session never ran, so release its place here.
            httpContext.RequestServices.GetRequiredService<SseConnectionHub>().Remove(connection);
            connection.Dispose();
            return;
        }

        await session.RunAsync(connection, lastEventId, response.BodyWriter);

        if (connection.DisconnectReason == DisconnectReason.SlowClient)
        {
            // Finishing the response politely would wait on the very client that stopped reading.
            httpContext.Abort();
        }
    }
}
