using System.Net;
using System.Net.Sockets;

namespace CleanSse.TestKit;

public static class LoopbackPorts
{
    /// <summary>A port on 127.0.0.1 that was free a moment ago (the kernel hands out a fresh ephemeral port for port 0).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
