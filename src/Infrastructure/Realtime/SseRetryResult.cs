using CleanSse.Infrastructure.Realtime.Wire;
using Microsoft.AspNetCore.Http;

namespace CleanSse.Infrastructure.Realtime;

/// <summary>A stream that carries only a <c>retry:</c> hint and ends: the client reconnects after the delay.</summary>
public sealed class SseRetryResult(TimeSpan retry) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = SseStreamResult.ContentType;
        httpContext.Response.Headers.CacheControl = "no-cache";
        await httpContext.Response.Body.WriteAsync(SseFrame.Retry(retry), httpContext.RequestAborted);
    }
}
