using System.Collections.Frozen;
using Microsoft.OpenApi;

namespace CleanSse.Api.OpenApi;

/// <summary>
/// What the document says of each route beyond what its handler's signature and metadata tell: the problem responses
/// SPEC section 2 lists for it and the headers it reads or writes. One place, keyed by method and path, so a route
/// whose code moves or changes shape keeps its documented contract.
/// </summary>
internal static class ApiContract
{
    public const string IdempotencyKey = "Idempotency-Key";
    public const string IfMatch = "If-Match";
    public const string ETag = "ETag";
    public const string Location = "Location";
    public const string LastEventId = "Last-Event-ID";
    public const string LastEventIdQuery = "lastEventId";
    public const string RetryAfter = "Retry-After";

    private static readonly HeaderContract ETagHeader = new(
        ETag,
        "The order's version as a strong entity tag, e.g. `\"3\"`; it changes with every change of the order. Send it back in `If-Match`.",
        "\"3\"");

    private static readonly HeaderContract RetryAfterHeader = new(RetryAfter, "Seconds to wait before trying again.", "10");

    public static FrozenDictionary<string, OperationContract> Operations { get; } = new Dictionary<string, OperationContract>
    {
        ["POST /api/orders"] = new(
            Problems: [400, 401, 413, 415, 422, 429],
            RequestHeaders:
            [
                new(
                    IdempotencyKey,
                    "1..100 printable ASCII characters, scoped to the signed-in user and kept at least 24 hours. A repeat with the same key and body answers the first response (status, body, `Location`) and creates nothing; the same key with another body is 422.",
                    "6f1c2a9e-order-42",
                    MaxLength: 100,
                    Pattern: "^[\\x21-\\x7E]{1,100}$"),
            ],
            ResponseHeaders: new Dictionary<int, HeaderContract[]>
            {
                [201] = [new(Location, "The new order's address, `/api/orders/{id}`.", "/api/orders/0193a3c4e5f67a8b9c0d1e2f3a4b5c6d"), ETagHeader],
            }),
        ["GET /api/orders"] = new(Problems: [400, 401]),
        ["GET /api/orders/{id}"] = new(
            Problems: [401, 404],
            ResponseHeaders: new Dictionary<int, HeaderContract[]> { [200] = [ETagHeader] }),
        ["PATCH /api/orders/{id}"] = new(
            Problems: [400, 401, 403, 404, 409, 412, 413, 415, 429],
            RequestHeaders:
            [
                new(
                    IfMatch,
                    "Apply the change only to this version of the order (its `ETag`); a stale one is 412. `*` matches any version.",
                    "\"3\""),
            ],
            ResponseHeaders: new Dictionary<int, HeaderContract[]> { [200] = [ETagHeader] }),
        ["GET /api/events"] = new(
            Problems: [401, 406, 429, 503],
            RequestHeaders:
            [
                new(
                    LastEventId,
                    "Resume after this event id: every retained event after it, in order, then live events. An id older than the retained history, or unknown, starts the stream with a `reset` event.",
                    "1764660000000-0"),
                new(
                    LastEventIdQuery,
                    "The same as `Last-Event-ID`, for a browser's `EventSource`, which cannot set headers on its first request. The header wins when both are sent.",
                    "1764660000000-0",
                    In: ParameterLocation.Query),
            ],
            ResponseHeaders: new Dictionary<int, HeaderContract[]>
            {
                [429] = [RetryAfterHeader],
                [503] = [RetryAfterHeader],
            }),
        ["POST /api/auth/login"] = new(Problems: [401]),
        ["POST /api/auth/refresh"] = new(Problems: [401]),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static string Key(string method, string path) => $"{method.ToUpperInvariant()} {path}";
}

/// <summary>The documented contract of one operation.</summary>
internal sealed record OperationContract(
    int[] Problems,
    HeaderContract[]? RequestHeaders = null,
    IReadOnlyDictionary<int, HeaderContract[]>? ResponseHeaders = null);

/// <summary>A header an operation reads or writes (or, for a request, a query parameter), with an example value.</summary>
internal sealed record HeaderContract(
    string Name,
    string Description,
    string Example,
    int? MaxLength = null,
    string? Pattern = null,
    ParameterLocation In = ParameterLocation.Header);
