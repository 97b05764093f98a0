using System.Net.ServerSentEvents;
using System.Text.Json;

namespace CleanSse.ScaleOut.Tests.Infrastructure;

/// <summary>One event as a client received it; <see cref="Connection"/> counts the client's connections from 1.</summary>
public sealed record ReceivedEvent(string Type, string? Id, string Data, int Connection, Uri Server)
{
    /// <summary>The order id of a <c>new-order</c> or <c>order-updated</c> event.</summary>
    public string? OrderId
    {
        get
        {
            if (Type is not ("new-order" or "order-updated"))
            {
                return null;
            }

            using var document = JsonDocument.Parse(Data);
            return document.RootElement.GetProperty("id").GetString();
        }
    }
}

/// <summary>
/// An event-stream client that behaves like a browser's EventSource: it remembers the last event id it saw and, when
/// the stream ends or breaks, reconnects with <c>Last-Event-ID</c>. Given several servers (a load balancer's view) it
/// moves to the next one when a connection fails. Every event it receives is recorded, in order.
/// </summary>
public sealed class SseClient : IAsyncDisposable
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(100);

    private readonly IReadOnlyList<Uri> _servers;
    private readonly string _path;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<ReceivedEvent> _events = [];
    private TaskCompletionSource? _reconnectGate;
    private Task _loop = Task.CompletedTask;
    private int _connections;
    private int _disconnects;

    private SseClient(IReadOnlyList<Uri> servers, string? lastEventId, string path)
    {
        _servers = servers;
        _path = path;
        LastEventId = lastEventId;
    }

    /// <summary>What the client would send as <c>Last-Event-ID</c> on its next connection.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>How many streams were opened (each begins with the <c>connected</c> message).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>How many streams ended or broke.</summary>
    public int Disconnects => Volatile.Read(ref _disconnects);

    /// <summary>Every named event received so far (the <c>connected</c> messages are counted, not kept).</summary>
    public IReadOnlyList<ReceivedEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<ReceivedEvent> NewOrders => [.. Events.Where(received => received.Type == "new-order")];

    public IReadOnlyList<ReceivedEvent> Resets => [.. Events.Where(received => received.Type == "reset")];

    public const string EventsPath = "/api/events";

    public static SseClient Start(Uri server, string? lastEventId = null, string path = EventsPath) => Start([server], lastEventId, path);

    public static SseClient Start(IReadOnlyList<Uri> servers, string? lastEventId = null, string path = EventsPath)
    {
        var client = new SseClient(servers, lastEventId, path);
        client._loop = Task.Run(client.RunAsync);
        return client;
    }

    /// <summary>Opens and waits for the first stream.</summary>
    public static async Task<SseClient> ConnectAsync(
        Uri server, CancellationToken cancellationToken, string? lastEventId = null, string path = EventsPath)
    {
        var client = Start(server, lastEventId, path);
        await client.WaitForConnectionsAsync(1, cancellationToken);
        return client;
    }

    /// <summary>Holds the next reconnection until <see cref="ResumeReconnects"/>.</summary>
    public void PauseReconnects() => _reconnectGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ResumeReconnects() => _reconnectGate?.TrySetResult();

    public Task WaitForConnectionsAsync(int count, CancellationToken cancellationToken) =>
        Eventually.UntilAsync(() => Connections >= count, Eventually.DefaultTimeout, $"{count} stream(s) to open ({Describe()})", cancellationToken);

    public Task WaitForDisconnectsAsync(int count, CancellationToken cancellationToken) =>
        Eventually.UntilAsync(() => Disconnects >= count, Eventually.DefaultTimeout, $"{count} stream(s) to end ({Describe()})", cancellationToken);

    /// <summary>Waits until a <c>new-order</c> event of each of <paramref name="orderIds"/> has arrived.</summary>
    public Task WaitForNewOrdersAsync(IEnumerable<string> orderIds, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var wanted = orderIds.ToHashSet(StringComparer.Ordinal);
        return Eventually.UntilAsync(
            () => wanted.IsSubsetOf(NewOrders.Select(received => received.OrderId!)),
            timeout ?? Eventually.DefaultTimeout,
            $"new-order events of {wanted.Count} orders ({Describe()}; missing: {string.Join(", ", wanted.Except(NewOrders.Select(received => received.OrderId!)))})",
            cancellationToken);
    }

    public Task WaitForEventsAsync(Func<IReadOnlyList<ReceivedEvent>, bool> condition, string what, CancellationToken cancellationToken) =>
        Eventually.UntilAsync(() => condition(Events), Eventually.DefaultTimeout, $"{what} ({Describe()})", cancellationToken);

    public string Describe()
    {
        var events = Events;
        return $"{Connections} connections, {Disconnects} disconnects, {events.Count} events: "
            + string.Join(", ", events.TakeLast(20).Select(received => $"{received.Type}#{received.Id}@{received.Connection}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _reconnectGate?.TrySetResult();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        var server = 0;
        var first = true;
        while (!token.IsCancellationRequested)
        {
            if (!first)
            {
                await Task.Delay(ReconnectDelay, token);
                if (_reconnectGate is { } gate)
                {
                    await gate.Task.WaitAsync(token);
                    _reconnectGate = null;
                }
            }

            first = false;
            try
            {
                await ReadStreamAsync(_servers[server], token);
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException && !token.IsCancellationRequested)
            {
                // Refused or broken: the next try goes to the next server.
                server = (server + 1) % _servers.Count;
            }

            Interlocked.Increment(ref _disconnects);
        }
    }

    private async Task ReadStreamAsync(Uri server, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, _path));
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (LastEventId is { Length: > 0 } lastEventId)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET /api/events answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var parser = SseParser.Create(stream);
        var connection = 0;
        await foreach (var item in parser.EnumerateAsync(cancellationToken))
        {
            if (item.EventType == SseParser.EventTypeDefault && item.Data.Contains("\"connected\"", StringComparison.Ordinal))
            {
                connection = Interlocked.Increment(ref _connections);
                continue;
            }

            lock (_gate)
            {
                _events.Add(new ReceivedEvent(item.EventType, item.EventId, item.Data, connection, server));
            }

            if (!string.IsNullOrEmpty(parser.LastEventId))
            {
                LastEventId = parser.LastEventId;
            }
        }
    }
}
