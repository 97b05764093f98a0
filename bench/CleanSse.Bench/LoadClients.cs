using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace CleanSse.Bench;

public enum ClientProtocol
{
    /// <summary>GET /api/events, text/event-stream.</summary>
    Sse,

    /// <summary>SignalR's JSON hub protocol over a WebSocket at /api/events, without negotiation.</summary>
    SignalR,
}

/// <summary>Who a stream signs in as: its access token, and the customer whose orders it may see (-1: staff, every order).</summary>
public sealed record StreamIdentity(string Token, int Customer);

/// <summary>
/// Thousands of real client connections over loopback, each a raw socket bound to one of several 127.0.0.x source
/// addresses (so the ephemeral ports of one address are never exhausted) with one receive loop. The loops parse no
/// more than they must: the HTTP status, the first message, and the timestamp markers of order events. A stream to a
/// server that signs in sends <c>Authorization: Bearer</c> with the token of that server (<paramref name="tokens"/>,
/// parallel to <paramref name="servers"/>; null for a server without sign-in) or of its own identity.
/// </summary>
public sealed class LoadClients(
    IReadOnlyList<IPEndPoint> servers, ClientProtocol protocol, int sourceAddresses, IReadOnlyList<string?>? tokens = null) : IAsyncDisposable
{
    private const int BufferSize = 8 * 1024;
    private static readonly byte[] SignalRHandshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] SignalRPing = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    private readonly List<Client> _clients = [];
    private readonly CancellationTokenSource _stop = new();
    private int _nextSource;
    private int _nextServer;
    private long _closedByServer;
    private Task? _pings;

    /// <summary>Where the receive loops record events; swapped at the start and end of each measured phase.</summary>
    public PhaseStats Phase { get; set; } = PhaseStats.Idle;

    public int Count => _clients.Count;

    public int Ready => _clients.Count(client => client.IsReady && !client.IsClosed);

    /// <summary>Connections the server ended (or reset) while the bench still wanted them.</summary>
    public long ClosedByServer => Interlocked.Read(ref _closedByServer);

    public List<string> Errors { get; } = [];

    /// <summary>Opens <paramref name="count"/> more connections, <paramref name="parallel"/> at a time, and waits until each has its first message.</summary>
    /// <param name="identities">One per connection, when each signs in as its own user; else the server's token.</param>
    public async Task<int> ConnectAsync(
        int count, int parallel, TimeSpan timeout, bool stalled = false, IReadOnlyList<StreamIdentity>? identities = null)
    {
        using var gate = new SemaphoreSlim(parallel);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        deadline.CancelAfter(timeout);
        var opened = new List<Task<bool>>(count);
        for (var i = 0; i < count; i++)
        {
            try
            {
                await gate.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var source = IPAddress.Parse($"127.0.0.{2 + (_nextSource++ % sourceAddresses)}");
            var serverIndex = _nextServer++ % servers.Count;
            var token = identities is null ? tokens?[serverIndex] : identities[i].Token;
            var client = new Client(this, _clients.Count, source, servers[serverIndex], token, stalled);
            _clients.Add(client);
            opened.Add(OpenAsync(client, gate, deadline.Token));
        }

        var results = await Task.WhenAll(opened);
        _pings ??= protocol == ClientProtocol.SignalR ? PingLoopAsync() : null;
        return results.Count(ready => ready);
    }

    /// <summary>Ends every connection from this side.</summary>
    public async Task CloseAllAsync()
    {
        foreach (var client in _clients)
        {
            client.Close();
        }

        await Task.WhenAll(_clients.Select(client => client.Loop)).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _clients.Clear();
    }

    /// <summary>The stalled clients that the server has cut off (reads whatever it left queued, for at most the timeout).</summary>
    public async Task<int> CountStalledClosedByServerAsync(TimeSpan timeout)
    {
        var stalled = _clients.Where(client => client.Stalled).ToList();
        var closed = await Task.WhenAll(stalled.Select(client => client.DrainUntilClosedAsync(timeout)));
        return closed.Count(c => c);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await CloseAllAsync();
        if (_pings is not null)
        {
            await _pings.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    private async Task<bool> OpenAsync(Client client, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        try
        {
            client.Loop = client.RunAsync(protocol, _stop.Token);
            return await client.ReadyTask.WaitAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            AddError(exception.GetType().Name + ": " + exception.Message);
            client.Close();
            return false;
        }
        finally
        {
            gate.Release();
        }
    }

    // SignalR drops a client it has not heard from for 30 s; a real client pings every 15 s.
    private async Task PingLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                foreach (var client in _clients.ToArray())
                {
                    await client.PingAsync(_stop.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void AddError(string error)
    {
        lock (Errors)
        {
            if (Errors.Count < 20)
            {
                Errors.Add(error);
            }
        }
    }

    private sealed class Client(LoadClients owner, int number, IPAddress source, IPEndPoint server, string? token, bool stalled) : IDisposable
    {
        private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _close = new();
        private Socket? _socket;
        private WebSocket? _webSocket;
        private volatile bool _closing;

        public Task Loop { get; set; } = Task.CompletedTask;

        public Task<bool> ReadyTask => _ready.Task;

        public bool IsReady => _ready.Task.IsCompletedSuccessfully && _ready.Task.Result;

        public bool IsClosed { get; private set; }

        public bool Stalled => stalled;

        public async Task RunAsync(ClientProtocol protocol, CancellationToken stop)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, _close.Token);
            var token = linked.Token;
            try
            {
                _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                TryDeferPortChoice(_socket);
                if (stalled)
                {
                    // A client on a poor link: a small receive window, so the server feels it stop reading soon.
                    _socket.ReceiveBufferSize = 4096;
                }

                _socket.Bind(new IPEndPoint(source, 0));
                await _socket.ConnectAsync(server, token);
                var buffer = GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
                if (protocol == ClientProtocol.Sse)
                {
                    await RunSseAsync(buffer, token);
                }
                else
                {
                    await RunSignalRAsync(buffer, token);
                }
            }
            catch (OperationCanceledException) when (_closing || stop.IsCancellationRequested)
            {
            }
            catch (Exception exception) when (!_closing)
            {
                owner.AddError(exception.GetType().Name + ": " + exception.Message);
            }
            finally
            {
                if (!_closing && IsReady && !stalled)
                {
                    Interlocked.Increment(ref owner._closedByServer);
                }

                IsClosed = true;
                _ready.TrySetResult(false);
                if (!stalled)
                {
                    _socket?.Dispose();
                }
            }
        }

        public void Close()
        {
            if (_closing)
            {
                return;
            }

            _closing = true;
            _close.Cancel();
            _webSocket?.Abort();
            _socket?.Dispose();
        }

        public void Dispose()
        {
            Close();
            _close.Dispose();
        }

        public async Task PingAsync(CancellationToken cancellationToken)
        {
            if (_webSocket is { State: WebSocketState.Open } webSocket && !_closing)
            {
                try
                {
                    await webSocket.SendAsync(SignalRPing, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // The receive loop reports the connection's end.
                }
            }
        }

        /// <summary>Reads and discards until the server ends the stream (true) or the timeout passes (false).</summary>
        public async Task<bool> DrainUntilClosedAsync(TimeSpan timeout)
        {
            if (_socket is null)
            {
                return false;
            }

            using var deadline = new CancellationTokenSource(timeout);
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    if (await _socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) == 0)
                    {
                        return true;
                    }
                }
            }
            catch (SocketException)
            {
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        private async Task RunSseAsync(byte[] buffer, CancellationToken token)
        {
            var host = server.ToString();
            var request = Encoding.ASCII.GetBytes(
                $"GET /api/events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n{Authorization()}\r\n");
            await _socket!.SendAsync(request, SocketFlags.None, token);
            var carry = 0;
            var statusChecked = false;
            var inBody = false;
            ChunkedDecoder? chunked = null;
            while (true)
            {
                var read = await _socket.ReceiveAsync(buffer.AsMemory(carry), SocketFlags.None, token);
                if (read == 0)
                {
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                if (!inBody)
                {
                    var head = buffer.AsSpan(0, carry + read);
                    if (!statusChecked && head.Length >= 12)
                    {
                        statusChecked = true;
                        if (!head.StartsWith("HTTP/1.1 200"u8))
                        {
                            owner.AddError("refused: " + Encoding.ASCII.GetString(head[..Math.Min(head.Length, 40)]).Split('\r')[0]);
                            return;
                        }
                    }

                    var end = head.IndexOf("\r\n\r\n"u8);
                    if (end < 0)
                    {
                        carry = head.Length < buffer.Length ? head.Length : throw new InvalidDataException("response headers too long");
                        continue;
                    }

                    // Chunk headers can fall anywhere in the body, in the middle of a marker too: the body is read
                    // without them.
                    if (Encoding.ASCII.GetString(head[..end]).Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
                    {
                        chunked = new ChunkedDecoder();
                    }

                    inBody = true;
                    var body = head[(end + 4)..];
                    body.CopyTo(buffer);
                    carry = 0;
                    read = body.Length;
                }

                var length = chunked?.Decode(buffer.AsSpan(carry, read)) ?? read;
                var data = buffer.AsSpan(0, carry + length);
                if (!_ready.Task.IsCompleted)
                {
                    if (data.IndexOf("connected"u8) >= 0)
                    {
                        _ready.TrySetResult(true);
                        if (stalled)
                        {
                            return;
                        }
                    }
                }

                carry = owner.Phase.Scan(data, now, number);
                if (carry > 0)
                {
                    data[^carry..].CopyTo(buffer);
                }
            }
        }

        private async Task RunSignalRAsync(byte[] buffer, CancellationToken token)
        {
            var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
            var request = Encoding.ASCII.GetBytes(
                $"GET /api/events HTTP/1.1\r\nHost: {server}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
                $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n{Authorization()}\r\n");
            await _socket!.SendAsync(request, SocketFlags.None, token);

            // The server says nothing after its 101 until the client speaks, so the headers are all there is to read.
            var length = 0;
            while (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) < 0)
            {
                var got = await _socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, token);
                if (got == 0)
                {
                    return;
                }

                length += got;
            }

            if (!buffer.AsSpan(0, length).StartsWith("HTTP/1.1 101"u8))
            {
                owner.AddError("refused: " + Encoding.ASCII.GetString(buffer, 0, Math.Min(length, 40)).Split('\r')[0]);
                return;
            }

            var webSocket = WebSocket.CreateFromStream(
                new NetworkStream(_socket, ownsSocket: false),
                new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
            await webSocket.SendAsync(SignalRHandshake, WebSocketMessageType.Text, endOfMessage: true, token);
            var carry = 0;
            while (true)
            {
                var result = await webSocket.ReceiveAsync(buffer.AsMemory(carry), token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                var data = buffer.AsSpan(0, carry + result.Count);
                if (!_ready.Task.IsCompleted && data.IndexOf("{}\u001e"u8) >= 0)
                {
                    _webSocket = webSocket;
                    _ready.TrySetResult(true);
                    if (stalled)
                    {
                        return;
                    }
                }

                carry = owner.Phase.Scan(data, now, number);
                if (carry > 0)
                {
                    data[^carry..].CopyTo(buffer);
                }
            }
        }

        /// <summary>Removes HTTP/1.1 chunked framing from a body, in place, as it arrives in pieces.</summary>
        private sealed class ChunkedDecoder
        {
            private State _state = State.Size;
            private long _size;
            private long _remaining;

            private enum State
            {
                Size,
                Data,
                AfterData,
                End,
            }

            /// <summary>Decodes <paramref name="data"/> in place and returns how many body bytes it now begins with.</summary>
            public int Decode(Span<byte> data)
            {
                var write = 0;
                var read = 0;
                while (read < data.Length)
                {
                    switch (_state)
                    {
                        case State.Size:
                            var b = data[read++];
                            var digit = HexDigit(b);
                            if (digit >= 0)
                            {
                                _size = (_size * 16) + digit;
                            }
                            else if (b == (byte)'\n')
                            {
                                _remaining = _size;
                                _size = 0;
                                _state = _remaining == 0 ? State.End : State.Data;
                            }

                            break;
                        case State.Data:
                            var count = (int)Math.Min(_remaining, data.Length - read);
                            data.Slice(read, count).CopyTo(data[write..]);
                            read += count;
                            write += count;
                            _remaining -= count;
                            if (_remaining == 0)
                            {
                                _state = State.AfterData;
                            }

                            break;
                        case State.AfterData:
                            if (data[read++] == (byte)'\n')
                            {
                                _state = State.Size;
                            }

                            break;
                        default:
                            read = data.Length;
                            break;
                    }
                }

                return write;
            }

            private static int HexDigit(byte b) => b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
        }

        private string Authorization() => token is null ? "" : $"Authorization: Bearer {token}\r\n";

        // IP_BIND_ADDRESS_NO_PORT: choose the source port at connect, per destination, not at bind.
        private static void TryDeferPortChoice(Socket socket)
        {
            try
            {
                socket.SetRawSocketOption(0, 24, [1, 0, 0, 0]);
            }
            catch (SocketException)
            {
            }
        }
    }
}
