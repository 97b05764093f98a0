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

        app.MapHealthChecks("/healthz/live", live).WithMetadata(ReadOnly);
        app.MapHealthChecks("/healthz/ready", ready).WithMetadata(ReadOnly);
        app.MapHealthChecks("/healthz", ready).WithMetadata(ReadOnly);
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(ReadOnly);
        return app;
    }
}
