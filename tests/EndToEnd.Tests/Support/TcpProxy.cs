using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace CleanSse.EndToEnd.Tests.Support;

/// <summary>
/// A minimal TCP forwarder on loopback, standing in for the load balancer in front of several instances: every new
/// connection goes to the current target, which can be switched. When the target is down, a connection is accepted
/// and closed at once, as a balancer with no healthy backend would.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly Task _acceptLoop;
    private volatile int _targetPort;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>New connections go to <paramref name="port"/> from now on.</summary>
    public void SwitchTo(int port) => _targetPort = port;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        foreach (var client in _open.Keys)
        {
            client.Dispose();
        }

        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        _open[client] = 0;
        _open[upstream] = 0;
        try
        {
            using (client)
            {
                try
                {
                    await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stopping.Token);
                }
                catch (Exception exception) when (exception is SocketException or OperationCanceledException)
                {
                    return; // no backend: the client's connection just closes
                }

                var toUpstream = PumpAsync(client.GetStream(), upstream.GetStream());
                var toClient = PumpAsync(upstream.GetStream(), client.GetStream());

                // One side ending (a request finished with Connection: close, a process killed) ends the connection.
                await Task.WhenAny(toUpstream, toClient);
            }
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(upstream, out _);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stopping.Token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
            // Either side went away.
        }
    }
}
