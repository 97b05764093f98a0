namespace CleanSse.Infrastructure.Persistence.Idempotency;

/// <summary>
/// The response given to a request that carried an idempotency key: one row per user and key, stored by the commit
/// of the change it answered. The response is what the handler returned, as JSON; the HTTP status and <c>Location</c>
/// follow from it (a created order: 201, and the order's own route).
/// </summary>
internal sealed class IdempotencyRecord
{
    public long Id { get; set; }

    public required string UserId { get; set; }

    public required string Key { get; set; }

    /// <summary>SHA-256 of the request's canonical form, hex: tells a repeat from another request under the same key.</summary>
    public required string RequestHash { get; set; }

    public required string Response { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
