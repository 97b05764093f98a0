namespace CleanSse.Application.Common.Persistence;

/// <summary>
/// The responses given to requests that carried an idempotency key, per user and key, kept until they expire. A key is
/// stored by the same commit as the change it answered, and a second commit of the same user and key fails with
/// <see cref="Exceptions.IdempotencyKeyTakenException"/>: of racing requests, exactly one stores its change.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>The response stored under the user's key, unless it expired; null when the key is free.</summary>
    /// <param name="userId">The signed-in user.</param>
    /// <param name="key">The request's key.</param>
    /// <param name="request">The request in its canonical form, to tell a repeat from another request under the same key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<StoredResponse<TResponse>?> FindAsync<TResponse>(string userId, string key, string request, CancellationToken cancellationToken);

    /// <summary>Stores, with the next commit of the unit of work, the response to a request under the user's key.</summary>
    void Add<TResponse>(IdempotentRequest request, TResponse response);
}

/// <param name="UserId">The signed-in user; keys of different users never meet.</param>
/// <param name="Key">The request's key.</param>
/// <param name="Request">The request in its canonical form.</param>
/// <param name="CreatedAt">When the first request was answered.</param>
/// <param name="ExpiresAt">From when the key is free again.</param>
public sealed record IdempotentRequest(string UserId, string Key, string Request, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <param name="SameRequest">Whether the stored response answered the same request (false: the key was used for another).</param>
/// <param name="Response">What the first request was answered.</param>
public sealed record StoredResponse<TResponse>(bool SameRequest, TResponse Response);
