using System.Collections.Concurrent;
using CleanSse.Infrastructure.Realtime.EventLog;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure.Realtime.Connections;

/// <summary>
/// The registry of open event streams. It admits streams within the configured limits, fans each logged event out to
/// the streams of its audience (the same encoded bytes for all), and closes them all on shutdown.
/// </summary>
/// <remarks>
/// Streams are indexed by audience when admitted: one set of staff streams, and per customer the array of that
/// customer's streams. A broadcast offers an event to the staff set and to its owner's array, and tests no stream on
/// the way: a customer's stream is never even offered another customer's event.
/// </remarks>
internal sealed class SseConnectionHub
{
    private readonly ConcurrentDictionary<long, SseConnection> _connections = new();
    private readonly ConcurrentDictionary<long, SseConnection> _staff = new();

    // A customer has few streams: each array is replaced, never changed, under the admission lock, so the dispatcher
    // reads one without a lock and without a collection per customer.
    private readonly ConcurrentDictionary<string, SseConnection[]> _customers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _perAddress = new(StringComparer.Ordinal);
    private readonly Lock _admission = new();
    private readonly RealtimeOptions _options;
    private readonly RealtimeMetrics _metrics;
    private readonly byte[] _heartbeat = Wire.SseFrame.Comment("heartbeat");
    private readonly SseWriterPool _writers;
    private long _nextId;
    private bool _closed;

    public SseConnectionHub(IOptions<RealtimeOptions> options, RealtimeMetrics metrics, SseWriterPool writers)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _metrics = metrics;
        _writers = writers;
    }

    public int Count => _connections.Count;

    /// <summary>The reconnection delay given to clients when this process stops.</summary>
    public TimeSpan ShutdownRetry => _options.ShutdownRetry;

    public IReadOnlyCollection<SseConnection> Connections => [.. _connections.Values];

    /// <summary>The number of customers with at least one open stream.</summary>
    public int CustomerCount => _customers.Count;

    /// <summary>
    /// Opens a stream of <paramref name="audience"/> for <paramref name="remoteAddress"/> unless a limit or shutdown
    /// forbids it.
    /// </summary>
    public ConnectionRefusal TryOpen(string remoteAddress, StreamAudience audience, CancellationToken requestAborted, out SseConnection? connection)
    {
        connection = null;
        lock (_admission)
        {
            if (_closed)
            {
                return ConnectionRefusal.ShuttingDown;
            }

            if (_connections.Count >= _options.MaxConnections)
            {
                _metrics.ConnectionRefused("server-full");
                return ConnectionRefusal.ServerFull;
            }

            var fromAddress = _perAddress.GetValueOrDefault(remoteAddress);
            if (fromAddress >= _options.MaxConnectionsPerAddress)
            {
                _metrics.ConnectionRefused("per-address");
                return ConnectionRefusal.TooManyFromAddress;
            }

            _perAddress[remoteAddress] = fromAddress + 1;
            connection = new SseConnection(Interlocked.Increment(ref _nextId), remoteAddress, audience, _options, _metrics, _writers, requestAborted);
            _connections[connection.Id] = connection;
            Index(connection);
        }

        _metrics.StreamOpened();
        return ConnectionRefusal.None;
    }

    public void Remove(SseConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_admission)
        {
            if (!_connections.TryRemove(connection.Id, out _))
            {
                return;
            }

            Unindex(connection);

            var left = _perAddress.GetValueOrDefault(connection.RemoteAddress) - 1;
            if (left <= 0)
            {
                _perAddress.TryRemove(connection.RemoteAddress, out _);
            }
            else
            {
                _perAddress[connection.RemoteAddress] = left;
            }
        }

        _metrics.StreamClosed();
    }

    /// <summary>
    /// Hands one event to every stream of its audience: staff's, and its owner's. Never waits: a stream that cannot
    /// take it is disconnected.
    /// </summary>
    /// <returns>How many streams it was offered to.</returns>
    public int Broadcast(LoggedEvent logged)
    {
        ArgumentNullException.ThrowIfNull(logged);
        var offered = 0;
        foreach (var (_, connection) in _staff)
        {
            connection.Offer(logged);
            offered++;
        }

        if (logged.OwnerId is { } owner && _customers.TryGetValue(owner, out var owners))
        {
            foreach (var connection in owners)
            {
                connection.Offer(logged);
                offered++;
            }
        }

        return offered;
    }

    /// <summary>Queues a comment on every live stream that has had nothing queued since <paramref name="idleSince"/>.</summary>
    public int SendHeartbeats(long idleSince) => SendHeartbeats(idleSince, schedule: null, slice: 0);

    /// <summary>
    /// Queues a comment on every live stream of one slice of <paramref name="schedule"/> (every stream when it is null)
    /// that has had nothing queued since <paramref name="idleSince"/>.
    /// </summary>
    public int SendHeartbeats(long idleSince, HeartbeatSchedule? schedule, int slice)
    {
        var sent = 0;
        foreach (var (id, connection) in _connections)
        {
            if ((schedule is null || schedule.SliceOf(id) == slice) && connection.IsLive && connection.LastEnqueuedAt <= idleSince)
            {
                connection.TryEnqueue(_heartbeat, isEvent: false);
                sent++;
            }
        }

        return sent;
    }

    /// <summary>Refuses new streams and ends every open one after a last <c>retry:</c> hint.</summary>
    public void CloseAll()
    {
        lock (_admission)
        {
            _closed = true;
        }

        CloseOpenStreams();
    }

    /// <summary>Ends every open stream after a <c>retry:</c> hint; its client reconnects and resumes from its last id.</summary>
    public void CloseOpenStreams()
    {
        var retry = Wire.SseFrame.Retry(_options.ShutdownRetry);
        foreach (var (_, connection) in _connections)
        {
            connection.Close(retry);
        }
    }

    /// <summary>Runs under the admission lock.</summary>
    private void Index(SseConnection connection)
    {
        var audience = connection.Audience;
        if (audience.IsStaff)
        {
            _staff[connection.Id] = connection;
        }
        else if (audience.CustomerId is { } customer)
        {
            _customers[customer] = _customers.TryGetValue(customer, out var streams) ? [.. streams, connection] : [connection];
        }
    }

    /// <summary>Runs under the admission lock.</summary>
    private void Unindex(SseConnection connection)
    {
        var audience = connection.Audience;
        if (audience.IsStaff)
        {
            _staff.TryRemove(connection.Id, out _);
        }
        else if (audience.CustomerId is { } customer && _customers.TryGetValue(customer, out var streams))
        {
            var left = Array.FindAll(streams, stream => stream != connection);
            if (left.Length == 0)
            {
                _customers.TryRemove(customer, out _);
            }
            else
            {
                _customers[customer] = left;
            }
        }
    }
}
