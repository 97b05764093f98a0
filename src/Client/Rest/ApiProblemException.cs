using System.Net;
using System.Text;
using System.Text.Json;

namespace CleanSse.Client;

/// <summary>
/// The service answered a request with an error. The subclasses name the statuses a caller usually handles; any other
/// status (413, 415, 429, 5xx, ...) is this class itself.
/// </summary>
public class ApiProblemException : Exception
{
    /// <summary>An exception without a problem.</summary>
    public ApiProblemException()
    {
    }

    /// <summary>An exception with a message and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    public ApiProblemException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and a cause, and no problem.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ApiProblemException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception for the problem a response carried.</summary>
    /// <param name="problem">The problem details of the response.</param>
    public ApiProblemException(ApiProblem problem)
        : base(Describe(problem))
    {
        Problem = problem;
    }

    /// <summary>The problem details of the response; null only for exceptions built without one.</summary>
    public ApiProblem? Problem { get; }

    /// <summary>The status of the response.</summary>
    public HttpStatusCode? StatusCode => Problem?.Status;

    /// <summary>The exception for an error response: the subclass for its status, its problem details read from the body.</summary>
    /// <param name="response">A response whose status is not a success.</param>
    /// <param name="cancellationToken">Stops reading the body.</param>
    public static async Task<ApiProblemException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var problem = await ReadProblemAsync(response, cancellationToken).ConfigureAwait(false);
        return problem.Status switch
        {
            HttpStatusCode.BadRequest when problem.Errors.Count > 0 => new ApiValidationException(problem),
            HttpStatusCode.Unauthorized => new ApiUnauthorizedException(problem),
            HttpStatusCode.Forbidden => new ApiForbiddenException(problem),
            HttpStatusCode.NotFound => new ApiNotFoundException(problem),
            HttpStatusCode.Conflict => new ApiConflictException(problem),
            HttpStatusCode.PreconditionFailed => new ApiPreconditionFailedException(problem),
            HttpStatusCode.UnprocessableContent => new ApiUnprocessableException(problem),
            _ => new ApiProblemException(problem),
        };
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        var fallback = new ApiProblem(status, null, response.ReasonPhrase, null, null, NoErrors);
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // The status says enough; a body that broke off adds nothing.
            return fallback;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return fallback;
            }

            return new ApiProblem(
                status,
                Text(root, "type"),
                Text(root, "title") ?? response.ReasonPhrase,
                Text(root, "detail"),
                Text(root, "instance"),
                Errors(root));
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's HTML page, say): keep its first words as the detail.
            return fallback with { Detail = body.Length == 0 ? null : body[..Math.Min(body.Length, 200)] };
        }
    }

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoErrors =
        new Dictionary<string, IReadOnlyList<string>>();

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Errors(JsonElement root)
    {
        if (!root.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
        {
            return NoErrors;
        }

        var fields = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in errors.EnumerateObject())
        {
            fields[field.Name] = field.Value.ValueKind switch
            {
                JsonValueKind.Array => [.. field.Value.EnumerateArray().Select(message => message.ToString())],
                _ => [field.Value.ToString()],
            };
        }

        return fields;
    }

    private static string Describe(ApiProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var message = new StringBuilder();
        message.Append((int)problem.Status).Append(' ').Append(problem.Title ?? problem.Status.ToString());
        if (!string.IsNullOrEmpty(problem.Detail))
        {
            message.Append(": ").Append(problem.Detail);
        }

        foreach (var (field, messages) in problem.Errors)
        {
            message.Append(" [").Append(field).Append(": ").AppendJoin(" ", messages).Append(']');
        }

        return message.ToString();
    }
}
