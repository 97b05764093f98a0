namespace CleanSse.Api.Endpoints;

/// <summary>Every route of the service, so that the composition root maps them with one call and builds none itself.</summary>
public static class ServiceEndpoints
{
    public static IEndpointRouteBuilder MapServiceEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var api = app.MapGroup("/api");
        api.MapAuthEndpoints();
        api.MapOrdersEndpoints();
        api.MapEventsEndpoints();

        app.MapOperationsEndpoints();
        app.MapApiReferenceEndpoints();
        return app;
    }
}
