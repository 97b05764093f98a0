using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CleanSse.TestKit;

/// <summary>
/// A redis-server of one test, on its own loopback port with an append-only file in its own folder, so the test can
/// shut it down and start it again with its data; or, without persistence (<c>--save ''</c>, no append-only file), a
/// server that comes back empty, as one restarted without persistence or a failover to an empty replica. It is killed
/// and its folder removed when the test ends.
/// </summary>
public sealed class PrivateRedisServer : IAsyncDisposable
{
    private readonly string _executable;
    private readonly string _directory;
    private readonly bool _persistent;
    private Process? _process;

    private PrivateRedisServer(string executable, string directory, int port, bool persistent)
    {
        _executable = executable;
        _directory = directory;
        _persistent = persistent;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public bool IsRunning => _process is { HasExited: false };

    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="persistent">With an append-only file (fsync always); without, every restart begins empty.</param>
    public static async Task<PrivateRedisServer> StartAsync(CancellationToken cancellationToken, bool persistent = true)
    {
        var executable = TestResources.FindOnPath("redis-server");
        if (executable is null)
        {
            TestResources.Unavailable("redis-server is not on PATH; the Redis restart test runs its own server.");
        }

        var directory = Directory.CreateTempSubdirectory("cleansse-redis-").FullName;
        var server = new PrivateRedisServer(executable, directory, LoopbackPorts.Free(), persistent);
        await server.StartAgainAsync(cancellationToken);
        return server;
    }

    /// <summary>Starts the server (again) on the same port and folder, and waits until it answers PING.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The server is already running.");
        }

        _process?.Dispose();
        var start = new ProcessStartInfo(_executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (var argument in new[]
        {
            "--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--dir", _directory,
            "--appendonly", _persistent ? "yes" : "no", "--appendfsync", "always", "--save", string.Empty, "--daemonize", "no",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        await Eventually.HoldsAsync(
            async () => await TryCommandAsync("PING") == "+PONG",
            $"redis-server on port {Port} to answer PING",
            TimeSpan.FromSeconds(20),
            cancellationToken);
    }

    /// <summary>A graceful SHUTDOWN (the append-only file is flushed), then waits for the process to exit.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (_process is null)
        {
            return;
        }

        await TryCommandAsync("SHUTDOWN");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>SIGKILL: no last write of anything; without persistence the server comes back empty.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Ends every connection whose client name is <paramref name="clientName"/>; returns how many.</summary>
    public async Task<int> KillClientsAsync(string clientName)
    {
        var killed = 0;
        foreach (var id in await ClientIdsAsync(clientName))
        {
            killed += await TryCommandAsync($"CLIENT KILL ID {id}") == ":1" ? 1 : 0;
        }

        return killed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp folder; nothing else uses it.
        }
    }

    private async Task<IReadOnlyList<string>> ClientIdsAsync(string clientName)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("CLIENT LIST\r\n"), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var header = await reader.ReadLineAsync(timeout.Token) ?? string.Empty;
        var length = int.Parse(header.AsSpan(1), CultureInfo.InvariantCulture);
        var body = new char[length];
        await reader.ReadBlockAsync(body, timeout.Token);
        return [.. new string(body).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ').ToDictionary(pair => pair.Split('=')[0], pair => pair.Split('=', 2).ElementAtOrDefault(1) ?? string.Empty))
            .Where(fields => fields.GetValueOrDefault("name") == clientName)
            .Select(fields => fields["id"])];
    }

    /// <summary>Sends one inline command and returns the first line of the reply, or null when the server is not there.</summary>
    private async Task<string?> TryCommandAsync(string command)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), timeout.Token);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            return await reader.ReadLineAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }
}
