using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace CleanSse.Api.FunctionalTests.Support;

/// <summary>
/// One event stream, read the way the WHATWG event-stream parser reads it (CR, LF or CRLF line ends, a comment per
/// line starting with a colon, one optional space after a field's colon), but handing the test every block, comments
/// and <c>retry:</c> lines included. Each reader has its own connection, closed at once when it is disposed.
/// </summary>
public sealed class SseReader : IAsyncDisposable
{
    public const string EventsPath = "/api/events";

    private static readonly TimeSpan DefaultReadTimeout = TimeSpan.FromSeconds(15);

    private readonly HttpClient _client;
    private readonly List<string> _transcript = [];
    private StreamReader? _body;

    private SseReader(HttpClient client, HttpResponseMessage response)
    {
        _client = client;
        Response = response;
    }

    public HttpResponseMessage Response { get; }

    /// <summary>Every line read so far, for failure messages.</summary>
    public string Transcript => string.Join('\n', _transcript);

    /// <summary>Sends <c>GET /api/events</c>; the caller checks the status. A refused stream is not an error here.</summary>
    public static async Task<SseReader> OpenAsync(
        Uri baseAddress,
        string? lastEventIdHeader = null,
        string? lastEventIdQuery = null,
        IPAddress? localAddress = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var handler = new SocketsHttpHandler
        {
            // An unfinished stream must not be drained on dispose: the test wants the connection gone now.
            MaxResponseDrainSize = 0,
            PooledConnectionLifetime = TimeSpan.Zero,
        };
        if (localAddress is not null)
        {
            handler.ConnectCallback = (context, cancellationToken) => ConnectFromAsync(localAddress, context.DnsEndPoint, cancellationToken);
        }

        var client = new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var path = lastEventIdQuery is null ? EventsPath : $"{EventsPath}?lastEventId={Uri.EscapeDataString(lastEventIdQuery)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventIdHeader is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventIdHeader);
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(DefaultReadTimeout);
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return new SseReader(client, response);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Opens a stream and checks it was admitted, then reads the <c>connected</c> message that starts it.</summary>
    public static async Task<SseReader> ConnectAsync(Uri baseAddress, string? lastEventIdHeader = null, string? lastEventIdQuery = null, IPAddress? localAddress = null)
    {
        var reader = await OpenAsync(baseAddress, lastEventIdHeader, lastEventIdQuery, localAddress);
        try
        {
            reader.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var first = await reader.ReadBlockAsync();
            first.ShouldNotBeNull("the stream ended before its first message");
            first.Data.ShouldBe("""{"type":"connected"}""", reader.Transcript);
            first.Id.ShouldBeNull();
            first.EventType.ShouldBeNull();
            return reader;
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    /// <summary>The next block, or null when the stream ended (a block cut off by the end is dropped, as a client would).</summary>
    public Task<SseBlock?> ReadBlockAsync(TimeSpan? timeout = null) =>
        ReadBlockBeforeAsync(DateTime.UtcNow + (timeout ?? DefaultReadTimeout));

    /// <summary>The next block that dispatches an event, skipping heartbeats and other comment-only blocks.</summary>
    /// <param name="timeout">For the event, however many comments arrive before it.</param>
    public async Task<SseBlock> ReadEventAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultReadTimeout);
        while (true)
        {
            var block = await ReadBlockBeforeAsync(deadline)
                ?? throw new EndOfStreamException($"The stream ended while an event was expected. Read so far:\n{Transcript}");
            if (block.IsEvent)
            {
                return block;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> events, all within <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<SseBlock>> ReadEventsAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultReadTimeout);
        var events = new List<SseBlock>(count);
        while (events.Count < count)
        {
            events.Add(await ReadEventAsync(deadline - DateTime.UtcNow));
        }

        return events;
    }

    private async Task<SseBlock?> ReadBlockBeforeAsync(DateTime deadlineUtc)
    {
        _body ??= new StreamReader(await Response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken), Encoding.UTF8);
        var remaining = deadlineUtc - DateTime.UtcNow;
        if (remaining <= TimeSpan.Zero)
        {
            throw new TimeoutException($"The deadline passed before the next block. Read so far:\n{Transcript}");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(remaining);

        string? eventType = null;
        string? id = null;
        long? retry = null;
        StringBuilder? data = null;
        var comments = new List<string>();
        var seenField = false;
        while (true)
        {
            string? line;
            try
            {
                line = await _body.ReadLineAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No complete block before the deadline. Read so far:\n{Transcript}");
            }

            if (line is null)
            {
                return null;
            }

            _transcript.Add(line);
            if (line.Length == 0)
            {
                if (!seenField)
                {
                    continue;
                }

                return new SseBlock(eventType, id, data?.ToString(), retry, comments);
            }

            seenField = true;
            if (line[0] == ':')
            {
                comments.Add(line[1..].TrimStart(' '));
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "event":
                    eventType = value;
                    break;
                case "id" when !value.Contains('\0', StringComparison.Ordinal):
                    id = value;
                    break;
                case "retry" when value.Length > 0 && value.All(char.IsAsciiDigit):
                    retry = long.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "data":
                    data = data is null ? new StringBuilder(value) : data.Append('\n').Append(value);
                    break;
                default:
                    break;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _body?.Dispose();
        Response.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async ValueTask<Stream> ConnectFromAsync(IPAddress localAddress, DnsEndPoint server, CancellationToken cancellationToken)
    {
        var socket = new Socket(localAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(localAddress, 0));
            await socket.ConnectAsync(server, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
