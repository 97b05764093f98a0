using System.Collections.Concurrent;
using CleanSse.Infrastructure.Realtime.EventLog;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure.Realtime.Connections;

/// <summary>
/// The registry of open event streams. It admits streams within the configured limits, fans each logged event out to
/// the streams of its audience (the same encoded bytes for all), and closes them all on shutdown.
/// </summary>
/// <remarks>
/// Streams are indexed by audience when admitted, and only there: one set of staff streams, and per customer the
/// array of that customer's streams. A broadcast offers an event to the staff set and to its owner's array, and tests
/// no stream on the way: a customer's stream is never even offered another customer's event.
/// </remarks>
internal sealed partial class SseConnectionHub
{
    private readonly ConcurrentDictionary<long, SseConnection> _staff = new();

    // A customer has few streams: each array is replaced, never changed, under the admission lock, so the dispatcher
    // reads one without a lock and without a collection per customer.
    private readonly ConcurrentDictionary<string, SseConnection[]> _customers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _perAddress = new(StringComparer.Ordinal);
    private readonly Lock _admission = new();
    private readonly RealtimeOptions _options;
    private readonly RealtimeMetrics _metrics;
    private readonly byte[] _heartbeat = Wire.SseFrame.Comment("heartbeat");
    private readonly ILogger _logger;
    private long _nextId;
    private int _count;
    private bool _closed;

    public SseConnectionHub(IOptions<RealtimeOptions> options, RealtimeMetrics metrics, SseWriterPool writers, ILogger<SseConnectionHub>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _metrics = metrics;
        Writers = writers;
        _logger = logger ?? NullLogger<SseConnectionHub>.Instance;
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>The reconnection delay given to clients when this process stops.</summary>
    public TimeSpan ShutdownRetry => _options.ShutdownRetry;

    public IReadOnlyCollection<SseConnection> Connections
    {
        get
        {
            List<SseConnection> open = [.. _staff.Values];
            foreach (var (_, streams) in _customers)
            {
                open.AddRange(streams);
            }

            return open;
        }
    }

    /// <summary>The bounds every stream of this hub keeps to; streams read them here rather than each holding them.</summary>
    internal RealtimeOptions Options => _options;

    internal RealtimeMetrics Metrics => _metrics;

    /// <summary>The writers that write this hub's streams.</summary>
    internal SseWriterPool Writers { get; }

    /// <summary>The number of customers with at least one open stream.</summary>
    public int CustomerCount => _customers.Count - (_customers.ContainsKey(string.Empty) ? 1 : 0);

    /// <summary>
    /// Opens a stream of <paramref name="audience"/> for <paramref name="remoteAddress"/> unless a limit or shutdown
    /// forbids it.
    /// </summary>
    /// <remarks>
    /// The address is copied into a string only for its first stream: the others from it share that one, so a client
    /// (or a proxy) with many streams does not keep a copy of its address per stream.
    /// </remarks>
    public ConnectionRefusal TryOpen(ReadOnlySpan<char> remoteAddress, StreamAudience audience, CancellationToken requestAborted, out SseConnection? connection)
    {
        connection = null;
        lock (_admission)
        {
            if (_closed)
            {
                return ConnectionRefusal.ShuttingDown;
            }

            if (_count >= _options.MaxConnections)
            {
                _metrics.ConnectionRefused("server-full");
                return ConnectionRefusal.ServerFull;
            }

            // An address with no open stream is not found, and leaves both at their defaults: no string yet, no stream.
            _ = _perAddress.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(remoteAddress, out var address, out var fromAddress);

            if (fromAddress >= _options.MaxConnectionsPerAddress)
            {
                _metrics.ConnectionRefused("per-address");
                return ConnectionRefusal.TooManyFromAddress;
            }

            address ??= remoteAddress.ToString();
            _perAddress[address] = fromAddress + 1;
            connection = new SseConnection(Interlocked.Increment(ref _nextId), address, audience, this, requestAborted);
            Index(connection);
            Volatile.Write(ref _count, _count + 1);
        }

        _metrics.StreamOpened();
        return ConnectionRefusal.None;
    }

    /// <summary>Lets go of a stream that has ended: called once its writing is over, on the thread pool.</summary>
    public void Ended(SseConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (Remove(connection))
        {
            LogStreamEnded(connection.Id, connection.RemoteAddress, connection.Age.TotalMilliseconds, connection.DisconnectReason);
        }
    }

    /// <returns>Whether the stream was open here until now.</returns>
    public bool Remove(SseConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_admission)
        {
            if (!Unindex(connection))
            {
                return false;
            }

            Volatile.Write(ref _count, _count - 1);

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
        return true;
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

        if (logged.OwnerId is { Length: > 0 } owner && _customers.TryGetValue(owner, out var owners))
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
        foreach (var (_, connection) in _staff)
        {
            sent += SendHeartbeat(connection, idleSince, schedule, slice);
        }

        foreach (var (_, streams) in _customers)
        {
            foreach (var connection in streams)
            {
                sent += SendHeartbeat(connection, idleSince, schedule, slice);
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
        foreach (var connection in Connections)
        {
            connection.Close(retry);
        }
    }

    private int SendHeartbeat(SseConnection connection, long idleSince, HeartbeatSchedule? schedule, int slice)
    {
        if ((schedule is null || schedule.SliceOf(connection.Id) == slice) && connection.IsLive && connection.LastEnqueuedAt <= idleSince)
        {
            connection.TryEnqueue(_heartbeat, isEvent: false);
            return 1;
        }

        return 0;
    }

    /// <summary>Runs under the admission lock.</summary>
    private void Index(SseConnection connection)
    {
        var audience = connection.Audience;
        if (audience.IsStaff)
        {
            _staff[connection.Id] = connection;
        }
        else
        {
            var customer = CustomerKey(audience);
            _customers[customer] = _customers.TryGetValue(customer, out var streams) ? [.. streams, connection] : [connection];
        }
    }

    // A stream that sees no event (the default audience: admission gives it to a user without an id) is kept under a
    // key no owner has: it still gets heartbeats, is counted and is closed on shutdown.
    private static string CustomerKey(StreamAudience audience) => audience.CustomerId ?? string.Empty;

    /// <summary>Runs under the admission lock.</summary>
    /// <returns>Whether the stream was indexed until now.</returns>
    private bool Unindex(SseConnection connection)
    {
        var audience = connection.Audience;
        if (audience.IsStaff)
        {
            return _staff.TryRemove(connection.Id, out _);
        }

        var customer = CustomerKey(audience);
        if (!_customers.TryGetValue(customer, out var streams) || Array.IndexOf(streams, connection) < 0)
        {
            return false;
        }

        if (streams.Length == 1)
        {
            _customers.TryRemove(customer, out _);
        }
        else
        {
            _customers[customer] = Array.FindAll(streams, stream => stream != connection);
        }

        return true;
    }

    // A stream's one log line (the per-request log leaves streams out): how long it lasted and why it ended.
    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {ConnectionId} from {RemoteAddress} ended after {Elapsed:0} ms: {Reason}")]
    private partial void LogStreamEnded(long connectionId, string remoteAddress, double elapsed, DisconnectReason reason);
}
