using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace CleanSse.TestKit;

/// <summary>
/// One event stream of the service, read by <see cref="SpecEventStreamParser"/> and handed to the test block by block,
/// comments and <c>retry:</c> lines included. Each reader has its own connection, closed at once when it is disposed.
/// </summary>
public sealed class SseReader : IAsyncDisposable
{
    public const string EventsPath = "/api/events";

    private static readonly TimeSpan DefaultReadTimeout = TimeSpan.FromSeconds(15);

    private readonly HttpClient _client;
    private readonly SpecEventStreamParser _parser = new();
    private readonly Decoder _transcriptDecoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _transcript = new();
    private readonly byte[] _buffer = new byte[16 * 1024];
    private Stream? _body;
    private int _returned;
    private bool _ended;

    private SseReader(HttpClient client, HttpResponseMessage response)
    {
        _client = client;
        Response = response;
    }

    public HttpResponseMessage Response { get; }

    /// <summary>Everything read so far, for failure messages.</summary>
    public string Transcript => _transcript.ToString();

    /// <summary>Sends <c>GET /api/events</c>; the caller checks the status. A refused stream is not an error here.</summary>
    public static async Task<SseReader> OpenAsync(
        IRunningService service,
        string? lastEventIdHeader = null,
        string? lastEventIdQuery = null,
        IPAddress? localAddress = null)
    {
        ArgumentNullException.ThrowIfNull(service);
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

        var client = service.Clients.Create(handler, Timeout.InfiniteTimeSpan);
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
    public static async Task<SseReader> ConnectAsync(IRunningService service, string? lastEventIdHeader = null, string? lastEventIdQuery = null, IPAddress? localAddress = null)
    {
        var reader = await OpenAsync(service, lastEventIdHeader, lastEventIdQuery, localAddress);
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
        _body ??= await Response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        while (true)
        {
            if (_returned < _parser.Blocks.Count)
            {
                return _parser.Blocks[_returned++];
            }

            // A block cut off by the end of the stream is dropped, as a client would drop it.
            if (_ended)
            {
                return null;
            }

            var remaining = deadlineUtc - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No complete block before the deadline. Read so far:\n{Transcript}");
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(remaining);
            int read;
            try
            {
                read = await _body.ReadAsync(_buffer, deadline.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No complete block before the deadline. Read so far:\n{Transcript}");
            }

            if (read == 0)
            {
                _ended = true;
                continue;
            }

            var chunk = _buffer.AsSpan(0, read);
            _parser.Feed(chunk);
            var chars = new char[_transcriptDecoder.GetCharCount(chunk, flush: false)];
            _transcript.Append(chars, 0, _transcriptDecoder.GetChars(chunk, chars, flush: false));
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
