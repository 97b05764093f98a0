using CleanSse.Api.OpenApi;
using CleanSse.Api.Operations;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace CleanSse.Api.Endpoints;

/// <summary>
/// What operators and their tools call: health checks and the Prometheus scrape, GET (and HEAD) only. Liveness checks
/// nothing outside the process, so a restart is never ordered for a database outage; readiness (also at <c>/healthz</c>)
/// is whether orders can be accepted.
/// </summary>
public static class OperationsEndpoints
{
    private static readonly HttpMethodMetadata ReadOnly = new([HttpMethods.Get, HttpMethods.Head]);

    public static IEndpointRouteBuilder MapOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var live = new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportWriter.WriteAsync };
        // Degraded (Redis down: events wait in the outbox) still answers 200, the framework's default for it.
        var ready = new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync };

        app.MapHealthChecks("/healthz/live", live)
            .WithMetadata(
                ReadOnly,
                new EndpointDocumentation("GetLiveness", "Operations", "Liveness", "`Healthy` (200) while the process runs; checks nothing outside it."),
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void), ["application/json"]));
        app.MapHealthChecks("/healthz/ready", ready)
            .WithMetadata(
                ReadOnly,
                new EndpointDocumentation("GetReadiness", "Operations", "Readiness", "200 while the service can accept orders (`Healthy`, or `Degraded` while Redis is down and the outbox carries the events), else 503."),
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void), ["application/json"]),
                new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(void), ["application/json"]));
        app.MapHealthChecks("/healthz", ready)
            .WithMetadata(
                ReadOnly,
                new EndpointDocumentation("GetHealth", "Operations", "Health", "The same as `/healthz/ready`."),
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void), ["application/json"]),
                new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(void), ["application/json"]));
        app.MapPrometheusScrapingEndpoint("/metrics")
            .WithMetadata(
                ReadOnly,
                new EndpointDocumentation("GetMetrics", "Operations", "Metrics", "Prometheus text exposition: open streams, events published and delivered, replays, resets, slow-client disconnects, HTTP and Kestrel metrics."),
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void), ["text/plain; version=0.0.4"]));
        return app;
    }
}
