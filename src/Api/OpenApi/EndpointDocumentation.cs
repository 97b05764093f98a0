namespace CleanSse.Api.OpenApi;

/// <summary>
/// Describes a route that the framework cannot describe itself because it is not a route handler (a plain request
/// delegate such as the event stream, the health checks, the Prometheus scrape). Its responses come from the route's
/// <c>IProducesResponseTypeMetadata</c>; <see cref="EndpointsDocumentTransformer"/> adds it to the document.
/// </summary>
public sealed record EndpointDocumentation(string OperationId, string Tag, string Summary, string Description);
