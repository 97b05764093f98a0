using Microsoft.AspNetCore.Http.Features;

namespace CleanSse.Api.ErrorHandling;

/// <summary>
/// Refuses request bodies over the API's limit with 413 before anything parses them. A declared length is checked
/// up front; a chunked body is read into memory up to the limit, so the answer is the same however it is sent.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next)
{
    public const long MaxBodyBytes = 64 * 1024;

    // Not async itself: a request that needs no buffering (every event stream among them) then keeps no frame of this
    // middleware alive while it runs.
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (request.ContentLength is > MaxBodyBytes)
        {
            throw TooLarge();
        }

        if (request.ContentLength is null && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsPut(request.Method)))
        {
            return BufferThenInvokeAsync(context);
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = MaxBodyBytes;
        }

        return next(context);
    }

    private async Task BufferThenInvokeAsync(HttpContext context)
    {
        // Counted here, not by the server's limit: Kestrel counts a chunked body's framing too, so its limit set to
        // 64 KiB would refuse smaller bodies sent in many chunks.
        var buffered = await BufferWithinLimitAsync(context.Request.Body, context.RequestAborted);
        context.Response.RegisterForDispose(buffered);
        context.Request.Body = buffered;
        await next(context);
    }

    private static async Task<MemoryStream> BufferWithinLimitAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        try
        {
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    throw TooLarge();
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge();
        }

        buffer.Position = 0;
        return buffer;
    }

    private static BadHttpRequestException TooLarge() =>
        new($"The request body is larger than {MaxBodyBytes / 1024} KiB.", StatusCodes.Status413PayloadTooLarge);
}
