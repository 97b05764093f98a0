using Microsoft.OpenApi;

namespace CleanSse.Api.OpenApi;

/// <summary>The OpenAPI 3.1 document at <c>/openapi/v1.json</c>, and how it is completed beyond what the API explorer sees.</summary>
public static class ApiDocumentation
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services)
    {
        services.AddOpenApi(DocumentName, options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "CleanSse",
                    Version = DocumentName,
                    Description = "Orders, and every change to them live over Server-Sent Events (`GET /api/events`). Sign in with `POST /api/auth/login` for a bearer token, or with `?useCookies=true` for the cookie. Every error is RFC 9457 problem details.",
                };
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer<EndpointsDocumentTransformer>();
            options.AddDocumentTransformer<EventStreamDocumentTransformer>();
            options.AddDocumentTransformer<ContractDocumentTransformer>();
            options.AddSchemaTransformer<ExamplesSchemaTransformer>();
        });
        return services;
    }
}
