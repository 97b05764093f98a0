using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CleanSse.Bench;

/// <summary>One server under test: started as its own process on a free loopback port, its log in the run folder.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Id => _process.Id;

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>The cleartext HTTP/2 endpoint, when the server was started with one.</summary>
    public int? Http2Port { get; private init; }

    public bool HasExited => _process.HasExited;

    /// <summary>The staff access token the bench signs in with; null for a server without sign-in.</summary>
    public string? Token { get; set; }

    public static async Task<ServerProcess> StartAsync(
        string dll, string workDirectory, string logFile, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, bool http2Endpoint = false)
    {
        var port = FreePort();
        int? http2Port = http2Endpoint ? FreePort() : null;
        // exec keeps the process id, so the id read here is the server's own (for VmRSS), not a shell's.
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workDirectory,
            UseShellExecute = false,
            ArgumentList = { "-c", $"exec dotnet \"$0\" --urls http://127.0.0.1:{port} >\"$1\" 2>&1", dll, logFile },
        };
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        if (http2Port is { } h2)
        {
            // Endpoints from configuration replace --urls, so the HTTP/1.1 one is named again beside the HTTP/2 one.
            start.Environment["Kestrel__Endpoints__Http1__Url"] = $"http://127.0.0.1:{port}";
            start.Environment["Kestrel__Endpoints__Http2__Url"] = $"http://127.0.0.1:{h2}";
            start.Environment["Kestrel__Endpoints__Http2__Protocols"] = "Http2";
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dll}.");
        var server = new ServerProcess(process, port) { Http2Port = http2Port };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(dll)} exited at start; see {logFile}.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(server.BaseAddress, "/healthz"));
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        await server.DisposeAsync();
        throw new TimeoutException($"{Path.GetFileName(dll)} did not answer /healthz within {timeout}; see {logFile}.");
    }

    /// <summary>The server's resident set (VmRSS), in KiB.</summary>
    public long ResidentKiB()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    /// <summary>CPU time the server has used so far (user + system), in seconds; robust to other load on the machine.</summary>
    public double CpuSeconds() => ProcessCpuSeconds(_process.Id);

    public static double ProcessCpuSeconds(int processId)
    {
        try
        {
            // Fields after the command name: state is the 3rd field of the line, utime the 14th and stime the 15th.
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
