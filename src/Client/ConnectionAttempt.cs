using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace CleanSse.Client;

/// <summary>
/// One request of a stream and its response: sends it, decides whether the answer is a stream to read, a refusal to
/// retry or a failure for good, then hands out the parsed events until the body ends or breaks.
/// </summary>
internal sealed class ConnectionAttempt : IAsyncDisposable
{
    private const string EventStreamMediaType = "text/event-stream";

    private readonly HttpClient _http;
    private readonly Uri _uri;
    private readonly SseClientOptions _options;
    private readonly CancellationToken _userToken;
    private readonly CancellationTokenSource _connection;
    private readonly IdleWatchdog _watchdog;
    private HttpResponseMessage? _response;
    private ActivityStream? _body;
    private SseEventReader? _reader;

    public ConnectionAttempt(HttpClient http, Uri uri, SseClientOptions options, CancellationToken userToken)
    {
        _http = http;
        _uri = uri;
        _options = options;
        _userToken = userToken;
        _connection = CancellationTokenSource.CreateLinkedTokenSource(userToken);
        _watchdog = new IdleWatchdog(options.IdleTimeout, options.TimeProvider, _connection);
    }

    /// <summary>Why the connection did not open or ended; null while it works and after a clean end.</summary>
    public Exception? Error { get; private set; }

    /// <summary>The status of a 429 or 503 answer, which is retried rather than failed.</summary>
    public HttpStatusCode? RetryStatus { get; private set; }

    /// <summary>How long a 429 or 503 answer asked the client to wait.</summary>
    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>True when a stream was accepted and at least one byte of it arrived.</summary>
    public bool MadeProgress => _body?.BytesRead > 0;

    /// <summary>The last <c>retry:</c> of this connection, if it sent a valid one.</summary>
    public TimeSpan? ServerRetry => _reader?.ReconnectionTime;

    /// <summary>
    /// The stream's last event id: the one this connection's blocks set, starting from the one carried over from
    /// earlier connections.
    /// </summary>
    public string ResolveLastEventId(string carried) => _reader?.LastEventId ?? carried;

    /// <summary>Sends the request. True when the response is an event stream to read.</summary>
    /// <exception cref="SseConnectionException">The server refused the stream for good.</exception>
    public async Task<bool> OpenAsync(string lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(EventStreamMediaType));
        request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        if (lastEventId.Length > 0)
        {
            request.Headers.TryAddWithoutValidation(SseClient.LastEventIdHeader, lastEventId);
        }

        if (_options.AccessTokenProvider is { } tokens
            && await tokens(_userToken).ConfigureAwait(false) is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (_options.ConfigureRequest is { } configure)
        {
            await configure(request, _userToken).ConfigureAwait(false);
        }

        try
        {
            _watchdog.Arm();
            _response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _connection.Token)
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            Error = Describe(exception);
            return false;
        }
        finally
        {
            _watchdog.Disarm();
        }

        var status = _response.StatusCode;
        if (status == HttpStatusCode.NoContent)
        {
            throw new SseConnectionException(
                "The server answered 204 No Content: the stream is closed for good.",
                SseFailureReason.NoContent,
                status);
        }

        if (status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
        {
            RetryStatus = status;
            RetryAfter = ReadRetryAfter(_response.Headers.RetryAfter);
            Error = new HttpRequestException(
                $"The server answered {(int)status} {_response.ReasonPhrase}.", null, status);
            return false;
        }

        if (status != HttpStatusCode.OK)
        {
            throw new SseConnectionException(
                $"The server answered {(int)status} {_response.ReasonPhrase} instead of 200.",
                SseFailureReason.UnexpectedStatus,
                status);
        }

        var contentType = _response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values)
            ? values.ToString()
            : null;
        if (!IsEventStream(contentType))
        {
            throw new SseConnectionException(
                $"The server answered 200 with content type '{contentType}' instead of {EventStreamMediaType}.",
                SseFailureReason.UnexpectedContentType,
                status,
                contentType);
        }

        try
        {
            var body = await _response.Content.ReadAsStreamAsync(_connection.Token).ConfigureAwait(false);
            _body = new ActivityStream(body, _watchdog);
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            Error = Describe(exception);
            return false;
        }

        _reader = new SseEventReader(_body, lastEventId);
        return true;
    }

    /// <summary>The next event of the stream, or null when the body ended (cleanly, or with <see cref="Error"/> set).</summary>
    public async ValueTask<SseEvent?> NextAsync()
    {
        if (_reader is null)
        {
            return null;
        }

        try
        {
            return await _reader.ReadAsync(_connection.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            Error = Describe(exception);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_body is not null)
        {
            await _body.DisposeAsync().ConfigureAwait(false);
        }

        _response?.Dispose();
        _watchdog.Dispose();
        _connection.Dispose();
    }

    /// <summary>True for a media type of <c>text/event-stream</c>, whatever its parameters.</summary>
    internal static bool IsEventStream(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim(' ', '\t');
        return string.Equals(mediaType, EventStreamMediaType, StringComparison.OrdinalIgnoreCase);
    }

    private bool IsConnectionFailure(Exception exception) => exception switch
    {
        OperationCanceledException => !_userToken.IsCancellationRequested,
        // A peer that accepts and resets at once can surface as a bare SocketException while connecting.
        HttpRequestException or IOException or ObjectDisposedException or SocketException => true,
        _ => false,
    };

    private Exception Describe(Exception exception) =>
        _watchdog.Fired
            ? new TimeoutException($"No byte arrived within the idle timeout of {_watchdog.Limit}.", exception)
            : exception;

    private TimeSpan? ReadRetryAfter(RetryConditionHeaderValue? retryAfter)
    {
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - _options.TimeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
