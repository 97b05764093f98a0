using System.Runtime.CompilerServices;
using System.Text;

namespace CleanSse.Client;

/// <summary>
/// Reads a Server-Sent Events stream the way a browser's <c>EventSource</c> does, and reconnects with backoff.
/// </summary>
/// <remarks>
/// Every enumeration of <see cref="ReadEventsAsync"/> is its own stream with its own connections; leaving the loop
/// (or cancelling it) closes the connection. The client keeps no state between enumerations, so one instance may
/// serve several at once.
/// </remarks>
public sealed class SseClient : IDisposable
{
    /// <summary>The request header that tells the server the last event the client saw.</summary>
    public const string LastEventIdHeader = "Last-Event-ID";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>A client on its own <see cref="HttpClient"/>, built on <see cref="CreateHandler"/>.</summary>
    public SseClient(Uri uri, SseClientOptions? options = null)
        : this(new HttpClient(CreateHandler(), disposeHandler: true), uri, options, ownsHttp: true)
    {
    }

    /// <summary>
    /// A client on a given <see cref="HttpClient"/>, which it does not dispose. For event ids outside ASCII its
    /// handler must send <see cref="LastEventIdHeader"/> as UTF-8, as <see cref="CreateHandler"/> does.
    /// </summary>
    public SseClient(HttpClient httpClient, Uri uri, SseClientOptions? options = null)
        : this(httpClient, uri, options, ownsHttp: false)
    {
    }

    private SseClient(HttpClient httpClient, Uri uri, SseClientOptions? options, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(uri);
        options ??= new SseClientOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetryDelay, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRetryDelay, TimeSpan.Zero, nameof(options));
        if (options.MaxAttempts is { } maxAttempts)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1, nameof(options));
        }

        if (options.IdleTimeout is { } idleTimeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleTimeout, TimeSpan.Zero, nameof(options));
        }

        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));
        _http = httpClient;
        _ownsHttp = ownsHttp;
        Uri = uri;
        Options = options;
    }

    /// <summary>The address of the stream.</summary>
    public Uri Uri { get; }

    /// <summary>How the client connects and reconnects.</summary>
    public SseClientOptions Options { get; }

    /// <summary>
    /// A handler fit for event streams: it sends <see cref="LastEventIdHeader"/> as UTF-8 (the default handler
    /// accepts only ASCII in request headers), follows redirects, and closes a stream that is left at once rather
    /// than reading on for a while to keep its connection (a stream has no end to read to).
    /// </summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = true,
        MaxResponseDrainSize = 0,
        RequestHeaderEncodingSelector = static (name, _) =>
            string.Equals(name, LastEventIdHeader, StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8 : null,
    };

    /// <summary>
    /// The events of the stream, across reconnects, until the loop is left, <paramref name="cancellationToken"/> is
    /// cancelled, the stream fails for good (<see cref="SseConnectionException"/>), or, with
    /// <see cref="SseClientOptions.Reconnect"/> off, the server ends it cleanly.
    /// </summary>
    public IAsyncEnumerable<SseEvent> ReadEventsAsync(CancellationToken cancellationToken = default) =>
        ReadEventsCoreAsync(cancellationToken);

    /// <summary>Disposes the <see cref="HttpClient"/> when the client built it; a given one is left to its owner.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async IAsyncEnumerable<SseEvent> ReadEventsCoreAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lastEventId = Options.LastEventId ?? string.Empty;
        TimeSpan? serverRetry = null;
        var failures = 0;
        for (var attemptNumber = 1; ; attemptNumber++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSpan delay;
            var attempt = new ConnectionAttempt(_http, Uri, Options, cancellationToken);
            await using (attempt.ConfigureAwait(false))
            {
                if (await attempt.OpenAsync(lastEventId).ConfigureAwait(false))
                {
                    while (await attempt.NextAsync().ConfigureAwait(false) is { } item)
                    {
                        lastEventId = item.LastEventId;
                        yield return item;
                    }
                }

                lastEventId = attempt.ResolveLastEventId(lastEventId);
                serverRetry = attempt.ServerRetry ?? serverRetry;
                failures = attempt.MadeProgress ? 0 : failures + 1;

                if (!Options.Reconnect)
                {
                    if (attempt.Error is null)
                    {
                        yield break;
                    }

                    throw new SseConnectionException(
                        $"The stream broke and reconnecting is off: {attempt.Error.Message}",
                        SseFailureReason.Disconnected,
                        attempt.RetryStatus,
                        innerException: attempt.Error);
                }

                if (Options.MaxAttempts is { } maxAttempts && failures >= maxAttempts)
                {
                    throw new SseConnectionException(
                        $"{failures} attempts in a row failed; the last: {attempt.Error?.Message ?? "the server ended the stream at once"}",
                        SseFailureReason.AttemptsExhausted,
                        attempt.RetryStatus,
                        innerException: attempt.Error);
                }

                delay = ReconnectDelay.Compute(
                    Options.RetryDelay,
                    Options.MaxRetryDelay,
                    failures,
                    serverRetry,
                    attempt.RetryAfter,
                    Options.Jitter?.Invoke() ?? Random.Shared.NextDouble());
                Options.OnReconnecting?.Invoke(
                    new SseReconnecting(attemptNumber + 1, delay, failures, attempt.Error, attempt.RetryStatus));
            }

            await Task.Delay(delay, Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }
}
