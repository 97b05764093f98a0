namespace CleanSse.Client;

/// <summary>
/// Hands out the access token that signs requests in (<c>Authorization: Bearer</c>). The REST client asks on every
/// request and the stream on every connection attempt, so a token refreshed meanwhile is the one sent.
/// </summary>
public interface IAccessTokenProvider
{
    /// <summary>The current access token, or null (or empty) to send none.</summary>
    /// <param name="cancellationToken">Stops getting it.</param>
    ValueTask<string?> GetAccessTokenAsync(CancellationToken cancellationToken);
}
