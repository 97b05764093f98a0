using System.Text.Json;
using CleanSse.Client;

namespace CleanSse.TestKit;

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
/// The shipped <see cref="SseClient"/> reading in the background, recording every event it hands out, in order, with
/// the connection and the server it came on. Given several servers (a load balancer's view) it moves to the next one
/// when a connection fails; its reconnects can be held back, so a test can act while the client is away.
/// </summary>
public sealed class EventSourceRecorder : IAsyncDisposable
{
    public const string EventsPath = "/api/events";

    // Short and fixed, so a test's reconnects take little time and none depends on a random backoff.
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(100);

    private readonly Uri[] _servers;
    private readonly string _path;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<ReceivedEvent> _events = [];
    private readonly SseClient _client;
    private TaskCompletionSource? _reconnectGate;
    private Task _loop = Task.CompletedTask;
    private int _server;
    private Uri _currentServer;
    private int _connections;
    private int _disconnects;
    private string? _lastEventId;

    private EventSourceRecorder(IReadOnlyList<IRunningService> services, string? lastEventId, string path, string? accessToken)
    {
        // Scaled-out instances accept the same credentials: the first one's clients serve them all.
        _http = services[0].Clients.Create(SseClient.CreateHandler(), Timeout.InfiniteTimeSpan);
        Uri[] servers = [.. services.Select(service => service.BaseAddress)];
        _servers = servers;
        _path = path;
        _lastEventId = lastEventId;
        _currentServer = servers[0];
        _client = new SseClient(_http, new Uri(servers[0], path), new SseClientOptions
        {
            LastEventId = lastEventId,
            RetryDelay = ReconnectDelay,
            MaxRetryDelay = ReconnectDelay,
            Jitter = () => 1,

            // Another user's token, when given, goes on every attempt in place of the service's default user.
            AccessTokenProvider = accessToken is null ? null : _ => ValueTask.FromResult<string?>(accessToken),
            ConfigureRequest = AimAsync,
            OnReconnecting = OnStreamEnded,
        });
    }

    /// <summary>What the client would send as <c>Last-Event-ID</c> on its next connection.</summary>
    public string? LastEventId => Volatile.Read(ref _lastEventId);

    /// <summary>How many streams were opened (each begins with the <c>connected</c> message).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>How many streams ended or broke, or could not be opened.</summary>
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

    public static EventSourceRecorder Start(IRunningService service, string? lastEventId = null, string path = EventsPath) => Start([service], lastEventId, path);

    /// <param name="services">The instances behind a load balancer, tried in turn.</param>
    /// <param name="lastEventId">The id the first connection resumes from.</param>
    /// <param name="path">The stream's path.</param>
    /// <param name="accessToken">Signs the stream in as another user (see <see cref="ServiceClients.LoginAsync"/>).</param>
    public static EventSourceRecorder Start(IReadOnlyList<IRunningService> services, string? lastEventId = null, string path = EventsPath, string? accessToken = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var recorder = new EventSourceRecorder(services, lastEventId, path, accessToken);
        recorder._loop = Task.Run(recorder.RunAsync);
        return recorder;
    }

    /// <summary>Opens and waits for the first stream.</summary>
    public static async Task<EventSourceRecorder> ConnectAsync(
        IRunningService service, CancellationToken cancellationToken, string? lastEventId = null, string path = EventsPath)
    {
        var recorder = Start(service, lastEventId, path);
        try
        {
            await recorder.WaitForConnectionsAsync(1, cancellationToken);
            return recorder;
        }
        catch
        {
            await recorder.DisposeAsync();
            throw;
        }
    }

    /// <summary>Holds the next reconnection until <see cref="ResumeReconnects"/>.</summary>
    public void PauseReconnects() => _reconnectGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ResumeReconnects() => _reconnectGate?.TrySetResult();

    public Task WaitForConnectionsAsync(int count, CancellationToken cancellationToken) =>
        Eventually.HoldsAsync(() => Connections >= count, () => $"{count} stream(s) to open ({Describe()})", cancellationToken: cancellationToken);

    public Task WaitForDisconnectsAsync(int count, CancellationToken cancellationToken) =>
        Eventually.HoldsAsync(() => Disconnects >= count, () => $"{count} stream(s) to end ({Describe()})", cancellationToken: cancellationToken);

    /// <summary>Waits until a <c>new-order</c> event of each of <paramref name="orderIds"/> has arrived.</summary>
    public Task WaitForNewOrdersAsync(IEnumerable<string> orderIds, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var wanted = orderIds.ToHashSet(StringComparer.Ordinal);
        return Eventually.HoldsAsync(
            () => wanted.IsSubsetOf(NewOrders.Select(received => received.OrderId!)),
            () => $"new-order events of {wanted.Count} orders ({Describe()}; missing: {string.Join(", ", wanted.Except(NewOrders.Select(received => received.OrderId!)))})",
            timeout,
            cancellationToken);
    }

    public Task WaitForEventsAsync(Func<IReadOnlyList<ReceivedEvent>, bool> condition, string what, CancellationToken cancellationToken) =>
        Eventually.HoldsAsync(() => condition(Events), () => $"{what} ({Describe()})", cancellationToken: cancellationToken);

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

        _client.Dispose();
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var connection = 0;
        await foreach (var received in _client.ReadEventsAsync(_stop.Token))
        {
            if (received.Type == SseEvent.DefaultType && received.Data.Contains("\"connected\"", StringComparison.Ordinal))
            {
                connection = Interlocked.Increment(ref _connections);
                continue;
            }

            lock (_gate)
            {
                _events.Add(new ReceivedEvent(received.Type, received.LastEventId, received.Data, connection, Volatile.Read(ref _currentServer)));
            }

            if (received.LastEventId.Length > 0)
            {
                Volatile.Write(ref _lastEventId, received.LastEventId);
            }
        }
    }

    /// <summary>Points each attempt at the current server, once a paused reconnect is let go.</summary>
    private async ValueTask AimAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Connections + Disconnects > 0 && _reconnectGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
            _reconnectGate = null;
        }

        var server = _servers[Volatile.Read(ref _server)];
        Volatile.Write(ref _currentServer, server);
        request.RequestUri = new Uri(server, _path);
    }

    private void OnStreamEnded(SseReconnecting reconnecting)
    {
        // Refused or broken: the next try goes to the next server. A stream the server ended cleanly stays.
        if (reconnecting.Error is not null)
        {
            Volatile.Write(ref _server, (Volatile.Read(ref _server) + 1) % _servers.Length);
        }

        Interlocked.Increment(ref _disconnects);
    }
}
