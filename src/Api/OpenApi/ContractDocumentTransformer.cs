using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace CleanSse.Api.OpenApi;

/// <summary>
/// Applies what every operation shares: the sign-in schemes (bearer token or cookie) on the routes that need a user,
/// with their 401; the problem responses and headers of <see cref="ApiContract"/>; and one shape for every error:
/// RFC 9457 problem details as <c>application/problem+json</c> (400 as a validation problem).
/// </summary>
internal sealed class ContractDocumentTransformer(EndpointDataSource endpoints) : IOpenApiDocumentTransformer
{
    public const string BearerScheme = "Bearer";
    public const string CookieScheme = "Cookie";
    public const string ProblemContentType = "application/problem+json";

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        AddSecuritySchemes(document);
        var problem = await Schemas.ReferenceAsync(typeof(ProblemDetails), nameof(ProblemDetails), document, context, cancellationToken);
        var validationProblem = await Schemas.ReferenceAsync(
            typeof(HttpValidationProblemDetails), nameof(HttpValidationProblemDetails), document, context, cancellationToken);

        var protectedOperations = EndpointCatalog.Operations(endpoints)
            .Where(route => EndpointCatalog.RequiresSignIn(route.Endpoint))
            .Select(route => ApiContract.Key(route.Method, route.Path))
            .ToHashSet(StringComparer.Ordinal);

        foreach (var (path, item) in document.Paths ?? [])
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                var key = ApiContract.Key(method.Method, path);
                operation.Responses ??= [];
                if (protectedOperations.Contains(key))
                {
                    operation.Security = [SignInRequirement(document, BearerScheme), SignInRequirement(document, CookieScheme)];
                    AddProblem(operation, StatusCodes.Status401Unauthorized);
                }

                if (ApiContract.Operations.TryGetValue(key, out var contract))
                {
                    Apply(contract, operation);
                }

                foreach (var (status, response) in operation.Responses)
                {
                    if (int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code >= 400
                        && response is OpenApiResponse concrete)
                    {
                        concrete.Content = new Dictionary<string, OpenApiMediaType>
                        {
                            [ProblemContentType] = new() { Schema = code == StatusCodes.Status400BadRequest ? validationProblem : problem },
                        };
                    }
                }
            }
        }
    }

    private static void AddSecuritySchemes(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The `accessToken` of `POST /api/auth/login` (an opaque token, not a JWT), renewed with `POST /api/auth/refresh`.",
        };
        document.Components.SecuritySchemes[CookieScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = $".AspNetCore.{IdentityConstants.ApplicationScheme}",
            Description = "The sign-in cookie set by `POST /api/auth/login?useCookies=true`, as the dashboard signs in. Writes it signs must come from this site (cross-site request forgery is refused).",
        };
    }

    private static OpenApiSecurityRequirement SignInRequirement(OpenApiDocument document, string scheme) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };

    private static void Apply(OperationContract contract, OpenApiOperation operation)
    {
        foreach (var status in contract.Problems)
        {
            AddProblem(operation, status);
        }

        foreach (var header in contract.RequestHeaders ?? [])
        {
            operation.Parameters ??= [];
            if (operation.Parameters.Any(parameter => parameter.In == header.In
                && string.Equals(parameter.Name, header.Name, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header.Name,
                In = header.In,
                Required = false,
                Description = header.Description,
                Schema = HeaderSchema(header),
                Example = JsonValue.Create(header.Example),
            });
        }

        foreach (var (status, headers) in contract.ResponseHeaders ?? new Dictionary<int, HeaderContract[]>())
        {
            var key = status.ToString(CultureInfo.InvariantCulture);
            if (operation.Responses!.TryGetValue(key, out var response) && response is OpenApiResponse concrete)
            {
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.OrdinalIgnoreCase);
                foreach (var header in headers)
                {
                    concrete.Headers[header.Name] = new OpenApiHeader
                    {
                        Description = header.Description,
                        Schema = HeaderSchema(header),
                        Example = JsonValue.Create(header.Example),
                    };
                }
            }
        }
    }

    private static OpenApiSchema HeaderSchema(HeaderContract header) => new()
    {
        Type = JsonSchemaType.String,
        MaxLength = header.MaxLength,
        Pattern = header.Pattern,
    };

    private static void AddProblem(OpenApiOperation operation, int status)
    {
        var key = status.ToString(CultureInfo.InvariantCulture);
        if (!operation.Responses!.ContainsKey(key))
        {
            operation.Responses[key] = new OpenApiResponse { Description = ReasonPhrases.GetReasonPhrase(status) };
        }
    }
}
