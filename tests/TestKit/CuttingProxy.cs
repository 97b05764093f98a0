using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace CleanSse.TestKit;

/// <summary>
/// A TCP proxy on 127.0.0.1 and a free port that forwards bytes both ways to a target, standing in for the network or
/// the load balancer in front of the service. It can cut every connection it carries at once, with a reset as a
/// failing network or balancer does, refuse new connections until told to resume, and send new connections to another
/// target (another instance). A connection whose target is down is reset at once, as a balancer with no healthy
/// backend would. It records the head of the first request of every connection it forwards.
/// </summary>
public sealed class CuttingProxy : IAsyncDisposable
{
    private const int MaxHeadLength = 16 * 1024;
    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Link> _links = [];
    private readonly List<Task> _relays = [];
    private readonly Channel<string> _requestHeads = Channel.CreateUnbounded<string>();
    private IPEndPoint _target;
    private Task _accepting = Task.CompletedTask;
    private bool _refusing;
    private int _refused;

    private CuttingProxy(IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
    }

    /// <summary>Where clients connect, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The head (request line and headers) of the first request of each forwarded connection, in order.</summary>
    public ChannelReader<string> ForwardedRequestHeads => _requestHeads.Reader;

    /// <summary>Connections accepted and closed at once while the proxy refused them.</summary>
    public int RefusedConnections => Volatile.Read(ref _refused);

    /// <summary>A proxy to a service on this machine.</summary>
    public static CuttingProxy Start(IRunningService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return Start(new IPEndPoint(IPAddress.Loopback, service.BaseAddress.Port));
    }

    public static CuttingProxy Start(IPEndPoint target)
    {
        var proxy = new CuttingProxy(target);
        proxy._listener.Start();
        var port = ((IPEndPoint)proxy._listener.LocalEndpoint).Port;
        proxy.BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        proxy._accepting = proxy.AcceptAsync();
        return proxy;
    }

    /// <summary>
    /// Resets every connection the proxy carries, both ways, and refuses new ones (accepted, then reset) until
    /// <see cref="Resume"/>. Returns how many connections were cut.
    /// </summary>
    public int CutAndRefuse()
    {
        Link[] cut;
        lock (_gate)
        {
            _refusing = true;
            cut = [.. _links];
            _links.Clear();
        }

        foreach (var link in cut)
        {
            link.Reset();
        }

        return cut.Length;
    }

    /// <summary>New connections go to <paramref name="service"/> from now on; open ones stay where they are.</summary>
    public void SwitchTo(IRunningService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        Volatile.Write(ref _target, new IPEndPoint(IPAddress.Loopback, service.BaseAddress.Port));
    }

    /// <summary>Forwards new connections again.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            _refusing = false;
        }
    }

    /// <summary>The value of a header in a recorded request head, or null when it has none.</summary>
    public static string? Header(string head, string name)
    {
        ArgumentNullException.ThrowIfNull(head);
        foreach (var line in head.Split("\r\n").Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && string.Equals(line[..colon].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        CutAndRefuse();
        await _accepting;
        Task[] relays;
        lock (_gate)
        {
            relays = [.. _relays];
        }

        await Task.WhenAll(relays);
        _requestHeads.Writer.TryComplete();
        _stopping.Dispose();
    }

    private static void ResetSocket(Socket socket)
    {
        try
        {
            // Linger zero: close with RST at once, discarding whatever was not yet sent.
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        socket.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket downstream;
            try
            {
                downstream = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_gate)
            {
                if (_refusing)
                {
                    _refused++;
                    ResetSocket(downstream);
                    continue;
                }

                var link = new Link(downstream, new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                _links.Add(link);
                _relays.Add(RelayAsync(link));
            }
        }
    }

    private async Task RelayAsync(Link link)
    {
        await Task.Yield();
        try
        {
            link.Upstream.NoDelay = true;
            link.Downstream.NoDelay = true;
            await link.Upstream.ConnectAsync(Volatile.Read(ref _target), _stopping.Token);
            var toService = PumpAsync(link.Downstream, link.Upstream, recordHead: true);
            var toClient = PumpAsync(link.Upstream, link.Downstream, recordHead: false);
            await Task.WhenAny(toService, toClient);
            link.Reset();
            await Task.WhenAll(toService, toClient);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Cut, refused upstream, or stopping.
        }
        finally
        {
            lock (_gate)
            {
                _links.Remove(link);
            }

            link.Reset();
        }
    }

    /// <summary>Copies bytes from one socket to the other until either end closes or breaks; never throws.</summary>
    private async Task PumpAsync(Socket from, Socket to, bool recordHead)
    {
        var buffer = new byte[16 * 1024];
        var head = recordHead ? new List<byte>() : null;
        try
        {
            await using var source = new NetworkStream(from, ownsSocket: false);
            await using var destination = new NetworkStream(to, ownsSocket: false);
            while (true)
            {
                var read = await source.ReadAsync(buffer, _stopping.Token);
                if (read == 0)
                {
                    return;
                }

                if (head is not null)
                {
                    head.AddRange(buffer.AsSpan(0, read));
                    var end = head.ToArray().AsSpan().IndexOf(EndOfHead);
                    if (end >= 0)
                    {
                        _requestHeads.Writer.TryWrite(Encoding.UTF8.GetString(head.ToArray(), 0, end));
                        head = null;
                    }
                    else if (head.Count > MaxHeadLength)
                    {
                        head = null;
                    }
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection was cut or closed.
        }
    }

    /// <summary>One forwarded connection: the client's socket and the one to the target.</summary>
    private sealed class Link(Socket downstream, Socket upstream)
    {
        private int _reset;

        public Socket Downstream { get; } = downstream;

        public Socket Upstream { get; } = upstream;

        public void Reset()
        {
            if (Interlocked.Exchange(ref _reset, 1) == 0)
            {
                ResetSocket(Downstream);
                ResetSocket(Upstream);
            }
        }
    }
}
