using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace CleanSse.Api.OpenApi;

/// <summary>
/// Adds the routes that are not route handlers, and so unknown to the API explorer, from their
/// <see cref="EndpointDocumentation"/> and their produced response types.
/// </summary>
internal sealed class EndpointsDocumentTransformer(EndpointDataSource endpoints) : IOpenApiDocumentTransformer
{
    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Paths ??= [];
        foreach (var (method, path, endpoint) in EndpointCatalog.Operations(endpoints))
        {
            if (endpoint.Metadata.GetMetadata<EndpointDocumentation>() is not { } documentation)
            {
                continue;
            }

            if (!document.Paths.TryGetValue(path, out var item))
            {
                item = new OpenApiPathItem();
                document.Paths[path] = item;
            }

            var pathItem = (OpenApiPathItem)item;
            pathItem.Operations ??= [];
            var httpMethod = new HttpMethod(method);
            if (pathItem.Operations.ContainsKey(httpMethod))
            {
                continue;
            }

            var operation = new OpenApiOperation
            {
                OperationId = documentation.OperationId,
                Summary = documentation.Summary,
                Description = documentation.Description,
                Tags = new HashSet<OpenApiTagReference> { new(documentation.Tag, document) },
                Responses = [],
            };
            foreach (var produced in endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>())
            {
                operation.Responses[produced.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)] =
                    await ResponseAsync(produced, document, context, cancellationToken);
            }

            pathItem.Operations[httpMethod] = operation;
        }

        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var tag in endpoints.Endpoints.Select(endpoint => endpoint.Metadata.GetMetadata<EndpointDocumentation>()?.Tag).OfType<string>().Distinct())
        {
            if (!document.Tags.Any(existing => existing.Name == tag))
            {
                document.Tags.Add(new OpenApiTag { Name = tag });
            }
        }
    }

    private static async Task<OpenApiResponse> ResponseAsync(
        IProducesResponseTypeMetadata produced,
        OpenApiDocument document,
        OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken)
    {
        var response = new OpenApiResponse
        {
            Description = produced.Description ?? ReasonPhrases.GetReasonPhrase(produced.StatusCode),
            Content = new Dictionary<string, OpenApiMediaType>(),
        };
        foreach (var contentType in produced.ContentTypes)
        {
            IOpenApiSchema? schema = null;
            if (produced.Type is { } type && type != typeof(void))
            {
                schema = await Schemas.ReferenceAsync(type, type.Name, document, context, cancellationToken);
            }
            else if (contentType.StartsWith("text/plain", StringComparison.Ordinal))
            {
                schema = new OpenApiSchema { Type = JsonSchemaType.String };
            }

            response.Content[contentType] = new OpenApiMediaType { Schema = schema };
        }

        return response;
    }
}
