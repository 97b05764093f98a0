using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Runtime.ExceptionServices;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Infrastructure.Realtime;

/// <summary>
/// The event stream as an endpoint, the only part of the realtime core an application maps: admission against the
/// connection limits, then the stream itself, written by the core.
/// </summary>
public static class EventStreamEndpoint
{
    private const string ContentType = "text/event-stream";
    private const string LastEventIdHeader = "Last-Event-ID";

    // A browser's EventSource cannot set headers on its first request, so the id may come in the query instead.
    private const string LastEventIdQuery = "lastEventId";

    private static readonly StreamEndpointMarker Marker = new();

    /// <summary>Maps the event stream at <paramref name="pattern"/> (GET), described for OpenAPI with its refusals.</summary>
    public static IEndpointConventionBuilder MapEventStream(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Resolved once, and the route is a plain request delegate: a stream then holds no request scope and no
        // result-writing frame of its own, which every idle stream would otherwise keep for its whole life.
        var hub = endpoints.ServiceProvider.GetRequiredService<SseConnectionHub>();
        var catchUp = endpoints.ServiceProvider.GetRequiredService<StreamCatchUp>();
        var admission = endpoints.ServiceProvider.GetRequiredService<StreamAdmission>();
        return endpoints.MapGet(pattern, (RequestDelegate)(context => OpenAsync(context, hub, catchUp, admission)))
            .WithMetadata(
                Marker,
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void), [ContentType]),
                new ProducesResponseTypeMetadata(StatusCodes.Status406NotAcceptable, typeof(ProblemDetails), ["application/problem+json"]),
                new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(ProblemDetails), ["application/problem+json"]),
                new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(ProblemDetails), ["application/problem+json"]));
    }

    /// <summary>
    /// Runs event streams at this point of the pipeline, ahead of the middleware after it. A stream signs itself in at
    /// admission and keeps nothing of it (<see cref="StreamAdmission"/>), where the authentication and authorization
    /// middleware would hold the sign-in in their frames, and every middleware its own frame, for the stream's whole
    /// life; a failed admission is answered by the application's <see cref="IExceptionHandler"/>s. Goes after what a
    /// stream needs (forwarded headers, security headers, CORS) and before exception handling and authentication.
    /// </summary>
    public static IApplicationBuilder UseEventStreams(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(next => context => IsStreamRequest(context.Request) ? context.GetEndpoint()!.RequestDelegate!(context) : next(context));
    }

    /// <summary>
    /// Whether routing matched <paramref name="request"/> to an event stream, so middleware that would live as long
    /// as the stream can be left out. Routing runs first in a <c>WebApplication</c>'s pipeline.
    /// </summary>
    public static bool IsStreamRequest(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.HttpContext.GetEndpoint()?.Metadata.GetMetadata<StreamEndpointMarker>() is not null;
    }

    /// <summary>
    /// Admits a stream, then runs it. Admission may wait (a sign-in checked against the store), but for nearly every
    /// stream it is done at once, and the stream's run is then returned as it is: no frame of this endpoint lives as
    /// long as the stream.
    /// </summary>
    private static Task OpenAsync(HttpContext httpContext, SseConnectionHub hub, StreamCatchUp catchUp, StreamAdmission admission)
    {
        var admitting = AdmitAsync(httpContext, hub, admission);
        return admitting.IsCompletedSuccessfully
            ? RunAsync(httpContext, admitting.Result, catchUp)
            : RunOnceAdmittedAsync(httpContext, admitting, catchUp);
    }

    private static async Task RunOnceAdmittedAsync(HttpContext httpContext, Task<SseConnection?> admitting, StreamCatchUp catchUp)
    {
        SseConnection? admitted;
        try
        {
            admitted = await admitting;
        }
        catch (Exception exception) when (!httpContext.Response.HasStarted && !httpContext.RequestAborted.IsCancellationRequested)
        {
            await AnswerFailureAsync(httpContext, exception);
            return;
        }

        await RunAsync(httpContext, admitted, catchUp);
    }

    /// <summary>
    /// A failed admission, answered by the application's exception handlers as its exception-handling middleware would
    /// answer any request: streams leave the pipeline ahead of that middleware, which would otherwise keep a frame for
    /// every idle stream. What no handler takes goes on to the server, which answers 500.
    /// </summary>
    private static async Task AnswerFailureAsync(HttpContext httpContext, Exception exception)
    {
        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        foreach (var handler in httpContext.RequestServices.GetServices<IExceptionHandler>())
        {
            if (await handler.TryHandleAsync(httpContext, exception, httpContext.RequestAborted))
            {
                return;
            }
        }

        ExceptionDispatchInfo.Throw(exception);
    }

    // No separate start: the headers leave with the first frame, the connected message, which is queued at once. A
    // headers-only write per stream would cost a send of its own and hold a transport buffer between the two.
    private static Task RunAsync(HttpContext httpContext, SseConnection? admitted, StreamCatchUp catchUp) =>
        admitted is null
            ? Task.CompletedTask
            : catchUp.RunAsync(admitted, LastEventId(httpContext.Request), httpContext.Response.BodyWriter, httpContext);

    /// <summary>
    /// The stream's connection, registered with the hub and its headers set; <see langword="null"/> when it was
    /// refused, with the refusal written. The sign-in is checked first (a request without a user is told so whatever
    /// it accepts), then what it accepts, then the connection limits.
    /// </summary>
    private static async Task<SseConnection?> AdmitAsync(HttpContext httpContext, SseConnectionHub hub, StreamAdmission admission)
    {
        if (await admission.AdmitAsync(httpContext) is not { } audience)
        {
            return null;
        }

        if (!StreamAcceptance.Accepts(httpContext.Request.Headers.Accept))
        {
            await RefuseAsync(
                httpContext,
                StatusCodes.Status406NotAcceptable,
                "https://tools.ietf.org/html/rfc9110#section-15.5.7",
                "Not acceptable",
                "This address serves only text/event-stream; send an Accept header that allows it, or none.");
            return null;
        }

        switch (Open(httpContext, hub, audience, out var connection))
        {
            case ConnectionRefusal.None:
                break;
            case ConnectionRefusal.ShuttingDown:
                // An error status would end a browser's EventSource for good; a stream that only says "retry" does not.
                await RetryLaterAsync(httpContext, hub.ShutdownRetry);
                return null;
            case ConnectionRefusal.TooManyFromAddress:
                httpContext.Response.Headers.RetryAfter = "10";
                await RefuseAsync(
                    httpContext,
                    StatusCodes.Status429TooManyRequests,
                    "https://tools.ietf.org/html/rfc6585#section-4",
                    "Too many event streams from this client",
                    "Close another stream of this client, or retry later.");
                return null;
            default:
                httpContext.Response.Headers.RetryAfter = "5";
                await RefuseAsync(
                    httpContext,
                    StatusCodes.Status503ServiceUnavailable,
                    "https://tools.ietf.org/html/rfc9110#section-15.6.4",
                    "The service accepts no more event streams now",
                    "Retry later, or connect to another instance.");
                return null;
        }

        // The headers and the connected message leave together, at once (the built-in TypedResults.ServerSentEvents
        // holds headers until its first item and cannot write the comments heartbeats need), and nothing between here
        // and the socket may buffer or compress the stream.
        var response = httpContext.Response;
        ForgetCredentials(httpContext.Request);
        WriteStreamHeaders(response);
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return connection;
    }

    /// <summary>
    /// Opens the stream in the hub for the client's address, read from the connection feature itself: the request's
    /// connection-info wrapper would be made for this one read and kept for the stream's life. Forwarded headers, when
    /// trusted, have already set the client's address there. The address is formatted on the stack, not with
    /// <see cref="IPAddress.ToString"/>, which would keep its string in the address for as long as the connection lasts.
    /// </summary>
    private static ConnectionRefusal Open(HttpContext httpContext, SseConnectionHub hub, StreamAudience audience, out SseConnection? connection)
    {
        // The longest IPv6 text with a scope id fits.
        Span<char> text = stackalloc char[64];
        var address = httpContext.Features.Get<IHttpConnectionFeature>()?.RemoteIpAddress;
        ReadOnlySpan<char> remoteAddress = address is null ? "unknown"
            : address.TryFormat(text, out var written) ? text[..written]
            : address.ToString();
        return hub.TryOpen(remoteAddress, audience, httpContext.RequestAborted, out connection);
    }

    /// <summary>
    /// A refusal as problem details, through the application's problem-details service when it has one (so it has the
    /// shape of every other error), else written directly.
    /// </summary>
    private static Task RefuseAsync(HttpContext httpContext, int status, string type, string title, string detail)
    {
        var problem = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail };
        httpContext.Response.StatusCode = status;
        return httpContext.RequestServices.GetService<IProblemDetailsService>() is { } problemDetails
            ? problemDetails.WriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem }).AsTask()
            : TypedResults.Problem(problem).ExecuteAsync(httpContext);
    }

    /// <summary>
    /// Lets go of the credentials once the stream is admitted: the token or cookie header would otherwise stay
    /// referenced by the request for the stream's whole life. The sign-in itself ended with the admission.
    /// </summary>
    private static void ForgetCredentials(HttpRequest request)
    {
        request.Headers.Authorization = default;
        request.Headers.Cookie = default;
    }

    /// <summary>A stream that carries only a <c>retry:</c> hint and ends: the client reconnects after the delay.</summary>
    private static async Task RetryLaterAsync(HttpContext httpContext, TimeSpan retry)
    {
        WriteStreamHeaders(httpContext.Response);
        await httpContext.Response.Body.WriteAsync(SseFrame.Retry(retry), httpContext.RequestAborted);
    }

    private static void WriteStreamHeaders(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
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

    /// <summary>Marks the stream's endpoint, so <see cref="IsStreamRequest"/> needs no path of its own.</summary>
    private sealed class StreamEndpointMarker;
}
