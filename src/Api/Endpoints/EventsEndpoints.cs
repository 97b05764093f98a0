using CleanSse.Infrastructure.Realtime;

namespace CleanSse.Api.Endpoints;

/// <summary>The event stream, <c>GET /api/events</c>: the realtime core admits and writes it.</summary>
public static class EventsEndpoints
{
    public static bool IsStreamRequest(HttpRequest request) => EventStreamEndpoint.IsStreamRequest(request);

    public static RouteGroupBuilder MapEventsEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapEventStream("/events")
            .WithName("OpenStream")
            .WithTags("Events")
            .RequireAuthorization();
        return api;
    }
}
