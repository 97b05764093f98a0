namespace CleanSse.Client;

/// <summary>How an <see cref="SseClient"/> connects and reconnects.</summary>
public sealed record SseClientOptions
{
    /// <summary>Sent as <c>Last-Event-ID</c> on the first request, to resume after that event.</summary>
    public string? LastEventId { get; init; }

    /// <summary>Whether to reconnect when a connection ends or breaks; when false the first connection is the only one.</summary>
    public bool Reconnect { get; init; } = true;

    /// <summary>
    /// The base of the exponential backoff: the wait before a reconnect is drawn at random between zero and
    /// <c>RetryDelay × 2^failures</c> (full jitter), capped by <see cref="MaxRetryDelay"/>, and never shorter than
    /// the server's last <c>retry:</c>.
    /// </summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The cap of the backoff. The server's <c>retry:</c> and <c>Retry-After</c> may ask for longer, and win.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many attempts in a row may fail (no response accepted, or not a byte of body read) before the stream is
    /// given up with <see cref="SseFailureReason.AttemptsExhausted"/>; null for no limit.
    /// </summary>
    public int? MaxAttempts { get; init; }

    /// <summary>
    /// Reconnect when no byte arrives for this long while the client waits for one (comments included, so the
    /// server's heartbeats keep a connection alive); null to wait for ever.
    /// </summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>
    /// Asked for an access token on every attempt, the first and each reconnect, so a token refreshed meanwhile is the
    /// one sent. A token it returns goes out as <c>Authorization: Bearer</c>; null or empty sends none.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; init; }

    /// <summary>Run on every attempt before the request is sent, after the access token is set; it may replace any header.</summary>
    public Func<HttpRequestMessage, CancellationToken, ValueTask>? ConfigureRequest { get; init; }

    /// <summary>Told before each wait to reconnect, e.g. to log it.</summary>
    public Action<SseReconnecting>? OnReconnecting { get; init; }

    /// <summary>The clock for reconnect delays, <c>Retry-After</c> dates and the idle timeout.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The source of jitter: a number in [0, 1]. Defaults to <see cref="Random.Shared"/>.</summary>
    public Func<double>? Jitter { get; init; }
}
