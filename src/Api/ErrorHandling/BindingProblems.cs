using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace CleanSse.Api.ErrorHandling;

/// <summary>
/// Turns the framework's binding failures (<see cref="BadHttpRequestException"/>: no body, JSON that does not parse or
/// does not fit, a route or query value that does not parse) into the API's own 400: a validation problem keyed by the
/// field, as the client names it, in plain words. One mechanism for every endpoint and parameter, so a new query
/// parameter is covered without code of its own. The framework's messages name the parameter as C# does; they are read
/// for that name and never shown.
/// </summary>
public static partial class BindingProblems
{
    /// <summary>The key of a failure that concerns the body as a whole rather than one field in it.</summary>
    public const string BodyKey = "body";

    public const string Title = "One or more validation errors occurred.";

    public static ProblemDetails For(BadHttpRequestException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => new ProblemDetails { Status = exception.StatusCode, Detail = exception.Message },
            // The catalog's one 415 shape, whichever check refused the body.
            StatusCodes.Status415UnsupportedMediaType => new ProblemDetails { Status = exception.StatusCode },
            StatusCodes.Status400BadRequest => BadRequest(exception),
            _ => new ProblemDetails { Status = exception.StatusCode },
        };
    }

    private static HttpValidationProblemDetails BadRequest(BadHttpRequestException exception)
    {
        var (field, message) = exception.InnerException is JsonException json ? FromJson(json) : FromParameter(exception.Message);
        return new HttpValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = Title,
            Detail = message,
        };
    }

    private static (string Field, string Message) FromJson(JsonException exception)
    {
        // A reader failure (the text is not JSON at all) carries the reader's exception; a value that is JSON but not
        // of the field's type carries the path of that field.
        if (exception.InnerException is JsonException || FieldOf(exception.Path) is not { } field)
        {
            return (BodyKey, "The body is not valid JSON for this resource.");
        }

        return (field, $"'{field}' does not hold a value of the expected JSON type or format.");
    }

    private static (string Field, string Message) FromParameter(string frameworkMessage)
    {
        var match = ParameterPattern().Match(frameworkMessage);
        if (!match.Success || frameworkMessage.Contains("body", StringComparison.OrdinalIgnoreCase))
        {
            return (BodyKey, "A JSON body is required.");
        }

        var name = match.Groups["name"].Value;
        var value = ValuePattern().Match(frameworkMessage);
        return value.Success
            ? (name, $"'{value.Groups["value"].Value}' is not a valid value for '{name}'.")
            : (name, $"'{name}' is required.");
    }

    /// <summary><c>$.items[0].quantity</c> as the client wrote it: <c>items[0].quantity</c>; null for the root.</summary>
    private static string? FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    // "Failed to bind parameter "int limit" from "abc".", "Required parameter "string id" was not provided from route.":
    // the name is the last word inside the quotes.
    [GeneratedRegex("""parameter "(?:[^"]*\s)?(?<name>[^"\s]+)"(?:\s|$)""", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterPattern();

    [GeneratedRegex("""\sfrom "(?<value>.*)"\.?$""", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex ValuePattern();
}
