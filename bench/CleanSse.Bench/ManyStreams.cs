using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace CleanSse.Bench;

/// <summary>What the many-streams case measured: idle memory per stream, then one burst delivered to every stream.</summary>
public sealed record ManyStreamsResult(
    int Wanted,
    int Connected,
    int StreamsPerConnection,
    double ConnectSeconds,
    long BaselineKiB,
    long LoadedKiB,
    int Orders,
    int Accepted,
    long Expected,
    long Delivered,
    long Duplicates,
    int StreamsIncomplete,
    double DeliverySeconds,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    IReadOnlyList<string> Errors)
{
    public double BytesPerStream => Connected == 0 ? double.NaN : (LoadedKiB - BaselineKiB) * 1024.0 / Connected;

    public double EventsPerSecond => DeliverySeconds <= 0 ? 0 : Delivered / DeliverySeconds;
}

/// <summary>
/// Tens of thousands of idle streams on one instance, multiplexed over HTTP/2 (cleartext, prior knowledge): one
/// process may hold only as many sockets as its open-file limit allows, and HTTP/2 lets one socket carry many streams.
/// Each stream counts the orders it receives by their send timestamps, so a duplicate or a miss is seen per stream.
/// </summary>
public sealed class ManyStreams(Uri streamServer, string? token, int streamsPerConnection) : IAsyncDisposable
{
    private static readonly byte[] Marker = "lat~"u8.ToArray();

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        EnableMultipleHttp2Connections = true,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Stream> _streams = [];
    private readonly List<Task> _loops = [];
    private readonly List<string> _errors = [];
    private LatencyHistogram _latency = new();
    private HashSet<long>[] _seen = [];
    private long _delivered;
    private long _duplicates;
    private long _lastReceive;

    public int StreamsPerConnection => streamsPerConnection;

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public int Connected { get; private set; }

    /// <summary>Opens <paramref name="count"/> streams, <paramref name="parallel"/> requests in flight at a time.</summary>
    public async Task<int> ConnectAsync(int count, int parallel, TimeSpan timeout)
    {
        _seen = new HashSet<long>[count];
        using var gate = new SemaphoreSlim(parallel);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        deadline.CancelAfter(timeout);
        var opened = new Task<bool>[count];
        for (var i = 0; i < count; i++)
        {
            _seen[i] = [];
            opened[i] = OpenAsync(i, gate, deadline.Token);
        }

        var results = await Task.WhenAll(opened);
        Connected = results.Count(ok => ok);
        return Connected;
    }

    /// <summary>Forgets what was received so far (the burst is counted from zero).</summary>
    public void ResetCounts()
    {
        foreach (var seen in _seen)
        {
            lock (seen)
            {
                seen.Clear();
            }
        }

        Interlocked.Exchange(ref _delivered, 0);
        Interlocked.Exchange(ref _duplicates, 0);
        _latency = new LatencyHistogram();
    }

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long LastReceiveTimestamp => Interlocked.Read(ref _lastReceive);

    public LatencyHistogram Latency => _latency;

    /// <summary>Streams that did not receive exactly <paramref name="orders"/> different orders.</summary>
    public int Incomplete(int orders) => _seen.Count(seen =>
    {
        lock (seen)
        {
            return seen.Count != orders;
        }
    });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var stream in _streams)
        {
            await stream.DisposeAsync();
        }

        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task<bool> OpenAsync(int index, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        try
        {
            await gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(streamServer, "/api/events"))
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Headers.Accept.ParseAdd("text/event-stream");
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Error($"stream {index}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                response.Dispose();
                return false;
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            lock (_streams)
            {
                _streams.Add(body);
                _loops.Add(ReadAsync(index, body));
            }

            return true;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
        {
            Error($"stream {index}: {exception.GetType().Name}: {exception.Message}");
            return false;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task ReadAsync(int index, Stream body)
    {
        var buffer = new byte[1024];
        var carry = 0;
        var seen = _seen[index];
        try
        {
            while (true)
            {
                var read = await body.ReadAsync(buffer.AsMemory(carry), _stop.Token);
                if (read == 0)
                {
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                var length = carry + read;
                carry = Scan(buffer.AsSpan(0, length), now, seen);
                if (carry > 0)
                {
                    buffer.AsSpan(length - carry, carry).CopyTo(buffer);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException)
        {
        }
    }

    /// <summary>Records every complete <c>lat~TIMESTAMP~</c> marker; returns how many trailing bytes to keep.</summary>
    private int Scan(ReadOnlySpan<byte> data, long now, HashSet<long> seen)
    {
        var position = 0;
        while (true)
        {
            var found = data[position..].IndexOf(Marker);
            if (found < 0)
            {
                return Math.Min(Marker.Length - 1, data.Length - position);
            }

            var start = position + found + Marker.Length;
            var end = data[start..].IndexOf((byte)'~');
            if (end < 0)
            {
                var partial = data.Length - (position + found);
                return partial <= 32 ? partial : 0;
            }

            if (Utf8Parser.TryParse(data.Slice(start, end), out long sent, out _))
            {
                bool added;
                lock (seen)
                {
                    added = seen.Add(sent);
                }

                if (added)
                {
                    Interlocked.Increment(ref _delivered);
                    _latency.Record(now - sent);
                    Interlocked.Exchange(ref _lastReceive, now);
                }
                else
                {
                    Interlocked.Increment(ref _duplicates);
                }
            }

            position = start + end + 1;
        }
    }

    private void Error(string message)
    {
        lock (_errors)
        {
            if (_errors.Count < 20)
            {
                _errors.Add(message);
            }
        }
    }

    internal static string Describe(ManyStreamsResult result) => string.Create(CultureInfo.InvariantCulture,
        $"{result.Connected:N0}/{result.Wanted:N0} streams ({result.StreamsPerConnection} per HTTP/2 connection) in {result.ConnectSeconds:F1} s, {result.BytesPerStream / 1024:F2} KiB per stream; burst of {result.Accepted}/{result.Orders}: {result.Delivered:N0}/{result.Expected:N0} delivered, {result.Duplicates} duplicates, {result.StreamsIncomplete} streams incomplete, {result.EventsPerSecond:N0} events/s, p50 {result.P50Ms:F0} ms, p99 {result.P99Ms:F0} ms");
}
