using System.Net;

namespace CleanSse.Client;

/// <summary>The RFC 9457 problem details of an error response, as far as the response carried them.</summary>
/// <param name="Status">The HTTP status of the response.</param>
/// <param name="Type">The problem type URI; null when none was given.</param>
/// <param name="Title">A short summary; the reason phrase when the body had none.</param>
/// <param name="Detail">What went wrong in this case, when the service said.</param>
/// <param name="Instance">The URI of this occurrence, when given.</param>
/// <param name="Errors">For a validation problem, the messages of each field, keyed by the field's name; else empty.</param>
public sealed record ApiProblem(
    HttpStatusCode Status,
    string? Type,
    string? Title,
    string? Detail,
    string? Instance,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Errors);
