using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CleanSse.Api.OpenApi;

/// <summary>Component schemas that transformers refer to, generated from their types once.</summary>
internal static class Schemas
{
    /// <summary>A reference to the component <paramref name="id"/>, generated from <paramref name="type"/> if the document lacks it.</summary>
    public static async Task<OpenApiSchemaReference> ReferenceAsync(
        Type type,
        string id,
        OpenApiDocument document,
        OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken)
    {
        var components = Components(document);
        if (!components.ContainsKey(id))
        {
            components[id] = await context.GetOrCreateSchemaAsync(type, parameterDescription: null, cancellationToken);
        }

        return new OpenApiSchemaReference(id, document);
    }

    /// <summary>Registers a hand-written component schema and refers to it.</summary>
    public static OpenApiSchemaReference Add(string id, OpenApiSchema schema, OpenApiDocument document)
    {
        Components(document)[id] = schema;
        return new OpenApiSchemaReference(id, document);
    }

    private static IDictionary<string, IOpenApiSchema> Components(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        return document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
    }
}
