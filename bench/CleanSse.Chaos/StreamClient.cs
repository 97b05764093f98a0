using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using CleanSse.TestKit;

namespace CleanSse.Chaos;

/// <summary>One order event as a client received it: the order's status in it, and how many resets came before it.</summary>
public readonly record struct Received(string Status, int Epoch);

/// <summary>
/// A resuming stream client behind a cutting proxy of its own, as a browser behind a flaky network or balancer: it
/// reconnects with the last event id it had, and when told <c>reset</c> it reloads the orders (walking <c>next</c>,
/// from the reset's <c>changedSince</c> when it has one) before it applies anything else. Without an id yet (no event
/// reached it), its stream starts at the log's head, so on <c>connected</c> it loads every order first, as a new tab does. It keeps every event it was
/// given and every reload, for the checks.
/// </summary>
public sealed class StreamClient(int number, CuttingProxy proxy, Func<HttpClient> anyInstance, string accessToken) : IAsyncDisposable
{
    private readonly Dictionary<string, List<Received>> _received = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Dictionary<string, string>> _reloads = [];
    private readonly Lock _gate = new();
    private string? _lastEventId;
    private int _connections;
    private int _events;
    private int _resets;
    private int _startLoads;

    public int Number => number;

    public CuttingProxy Proxy => proxy;

    public int Connections => Volatile.Read(ref _connections);

    public int Events => Volatile.Read(ref _events);

    public int Resets => Volatile.Read(ref _resets);

    /// <summary>How many streams opened without an id (a fresh start) loaded every order on <c>connected</c>.</summary>
    public int StartLoads => Volatile.Read(ref _startLoads);

    /// <summary>How many reset reloads used <c>changedSince</c> rather than every page.</summary>
    public int IncrementalReloads { get; private set; }

    public async Task RunAsync(CancellationToken stopping)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero })
        {
            BaseAddress = proxy.BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ReadStreamAsync(http, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            // A connection the proxy accepted and then reset can surface as a bare SocketException from the connect.
            catch (Exception exception) when (exception is HttpRequestException or IOException or JsonException or SocketException
                || (exception is OperationCanceledException && !stopping.IsCancellationRequested))
            {
                // Cut, reset, or the instance is down: come back as a browser would.
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 + Random.Shared.Next(400)), stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>What the client knows of each order now: the newest status it was given or reloaded.</summary>
    public string? StatusOf(string orderId, IReadOnlyList<string> history)
    {
        var best = -1;
        lock (_gate)
        {
            if (_received.TryGetValue(orderId, out var events))
            {
                best = events.Select(received => IndexOf(history, received.Status)).DefaultIfEmpty(-1).Max();
            }

            foreach (var reload in _reloads)
            {
                if (reload.TryGetValue(orderId, out var status))
                {
                    best = Math.Max(best, IndexOf(history, status));
                }
            }
        }

        return best >= 0 ? history[best] : null;
    }

    /// <summary>The events of one order as received, in order.</summary>
    public IReadOnlyList<Received> ReceivedFor(string orderId)
    {
        lock (_gate)
        {
            return _received.TryGetValue(orderId, out var events) ? [.. events] : [];
        }
    }

    /// <summary>Every order id the client was told about by an event.</summary>
    public IReadOnlyCollection<string> OrdersReceived()
    {
        lock (_gate)
        {
            return [.. _received.Keys];
        }
    }

    /// <summary>The newest status of <paramref name="orderId"/> that any reload showed, as an index in its history.</summary>
    public int ReloadedIndex(string orderId, IReadOnlyList<string> history)
    {
        lock (_gate)
        {
            return _reloads.Select(reload => reload.TryGetValue(orderId, out var status) ? IndexOf(history, status) : -1)
                .DefaultIfEmpty(-1)
                .Max();
        }
    }

    public async ValueTask DisposeAsync() => await proxy.DisposeAsync();

    public static int IndexOf(IReadOnlyList<string> history, string status)
    {
        for (var i = 0; i < history.Count; i++)
        {
            if (history[i] == status)
            {
                return i;
            }
        }

        return -1;
    }

    private async Task ReadStreamAsync(HttpClient http, CancellationToken stopping)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        // Without an id the stream starts at the log's head, like a new tab: what was committed before it is loaded
        // on `connected`, or a first stream cut before its first event would leave those orders unknown for good.
        var fresh = _lastEventId is null;
        if (!fresh)
        {
            request.Headers.Add("Last-Event-ID", _lastEventId);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stopping);
        if (!response.IsSuccessStatusCode)
        {
            return;
        }

        Interlocked.Increment(ref _connections);
        await using var body = await response.Content.ReadAsStreamAsync(stopping);
        using var reader = new StreamReader(body);
        string? type = null, id = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync(stopping) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0 || type is not null)
                {
                    await DispatchAsync(type, id, string.Join('\n', data), fresh);
                }

                type = null;
                id = null;
                data.Clear();
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "event":
                    type = value;
                    break;
                case "data":
                    data.Add(value);
                    break;
                case "id":
                    id = value;
                    break;
            }
        }
    }

    private async Task DispatchAsync(string? type, string? id, string data, bool fresh)
    {
        switch (type)
        {
            case "reset":
                await ReloadAsync(data);
                Interlocked.Increment(ref _resets);
                break;
            case null when fresh && IsConnected(data):
                await ReloadAsync("{}");
                Interlocked.Increment(ref _startLoads);
                break;
            case "new-order" or "order-updated":
                using (var order = JsonDocument.Parse(data))
                {
                    var orderId = order.RootElement.GetProperty("id").GetString()!;
                    var status = order.RootElement.GetProperty("status").GetString()!;
                    lock (_gate)
                    {
                        if (!_received.TryGetValue(orderId, out var events))
                        {
                            _received[orderId] = events = [];
                        }

                        events.Add(new Received(status, _reloads.Count));
                    }
                }

                Interlocked.Increment(ref _events);
                break;
        }

        // Only after the event was applied: a cut before this point resumes from the event before.
        if (!string.IsNullOrEmpty(id))
        {
            _lastEventId = id;
        }
    }

    private static bool IsConnected(string data)
    {
        using var message = JsonDocument.Parse(data);
        return message.RootElement.ValueKind == JsonValueKind.Object
            && message.RootElement.TryGetProperty("type", out var kind)
            && kind.ValueKind == JsonValueKind.String
            && kind.GetString() == "connected";
    }

    /// <summary>Reloads what the reset says was missed, retrying on any instance until a whole walk succeeds.</summary>
    private async Task ReloadAsync(string data)
    {
        string? changedSince = null;
        using (var reset = JsonDocument.Parse(data))
        {
            if (reset.RootElement.TryGetProperty("changedSince", out var since) && since.ValueKind == JsonValueKind.String)
            {
                changedSince = since.GetString();
            }
        }

        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var reloaded = await WalkAsync(anyInstance(), changedSince);
                lock (_gate)
                {
                    _reloads.Add(reloaded);
                    if (changedSince is not null)
                    {
                        IncrementalReloads++;
                    }
                }

                return;
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException or JsonException or SocketException or OperationCanceledException)
            {
                if (waited.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new InvalidOperationException($"Client {number} could not reload after a reset for two minutes.", exception);
                }

                await Task.Delay(250);
            }
        }
    }

    private async Task<Dictionary<string, string>> WalkAsync(HttpClient http, string? changedSince)
    {
        var orders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? after = null;
        do
        {
            var query = "/api/orders?limit=200";
            if (changedSince is not null)
            {
                query += "&changedSince=" + Uri.EscapeDataString(changedSince);
            }

            if (after is not null)
            {
                query += "&after=" + Uri.EscapeDataString(after);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, query);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"GET {query} answered {(int)response.StatusCode}.");
            }

            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            foreach (var order in page.RootElement.GetProperty("orders").EnumerateArray())
            {
                orders[order.GetProperty("id").GetString()!] = order.GetProperty("status").GetString()!;
            }

            after = page.RootElement.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (after is not null);

        return orders;
    }
}
