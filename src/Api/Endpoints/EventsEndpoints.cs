using CleanSse.Api.OpenApi;
using CleanSse.Infrastructure.Realtime;

namespace CleanSse.Api.Endpoints;

/// <summary>The event stream, <c>GET /api/events</c>: the realtime core admits and writes it.</summary>
public static class EventsEndpoints
{
    public static bool IsStreamRequest(HttpRequest request) => EventStreamEndpoint.IsStreamRequest(request);

    /// <summary>Streams leave the pipeline here: they sign themselves in at admission and keep none of it.</summary>
    public static IApplicationBuilder UseEventStreams(this IApplicationBuilder app) => EventStreamEndpoint.UseEventStreams(app);

    public static RouteGroupBuilder MapEventsEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapEventStream("/events")
            .WithName("OpenStream")
            .WithTags("Events")
            .WithMetadata(new EndpointDocumentation(
                "OpenStream",
                "Events",
                "Stream order events",
                "Server-Sent Events: `new-order` and `order-updated` for every order the signed-in user may see (staff: all), each with an ordered `id`. Resume with `Last-Event-ID` (or `?lastEventId=`, for a browser's first request): every retained event after it, then live events, with no gap and no duplicate."))
            .RequireAuthorization();
        return api;
    }
}
