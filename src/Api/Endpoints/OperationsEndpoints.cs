using CleanSse.Api.OpenApi;

namespace CleanSse.Api.Endpoints;

/// <summary>What operators and their tools call: health checks and the Prometheus scrape.</summary>
public static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapHealthChecks("/healthz")
            .WithMetadata(
                new EndpointDocumentation("GetHealth", "Operations", "Health", "`Healthy` (200) while the service can accept orders, else `Unhealthy` (503)."),
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void), ["text/plain"]),
                new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(void), ["text/plain"]));
        app.MapPrometheusScrapingEndpoint("/metrics")
            .WithMetadata(
                new EndpointDocumentation("GetMetrics", "Operations", "Metrics", "Prometheus text exposition: open streams, events published and delivered, replays, resets, slow-client disconnects, HTTP and Kestrel metrics."),
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void), ["text/plain; version=0.0.4"]));
        return app;
    }
}
