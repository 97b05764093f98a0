using CleanSse.Api.OpenApi;
using Scalar.AspNetCore;

namespace CleanSse.Api.Endpoints;

/// <summary>The API's own description: the OpenAPI document and the Scalar reference built on it.</summary>
public static class ApiReferenceEndpoints
{
    public static IEndpointRouteBuilder MapApiReferenceEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapOpenApi().ExcludeFromDescription();

        // Everything the page loads comes from this service (the script is inside the package): no CDN, no fonts from
        // elsewhere, no proxy for trying requests. Its scripts carry a fresh nonce, which its own policy names.
        app.MapScalarApiReference(options => options
                .WithTitle("CleanSse API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddDocument(ApiDocumentation.DocumentName)
                .DisableDefaultFonts()
                .AddPreferredSecuritySchemes(ContractDocumentTransformer.BearerScheme)
                .WithNonce())
            .Add(endpoint => endpoint.RequestDelegate = ScalarPage.WithContentSecurityPolicy(endpoint.RequestDelegate!));
        return app;
    }
}
