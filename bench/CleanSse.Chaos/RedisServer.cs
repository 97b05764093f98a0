using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CleanSse.TestKit;

namespace CleanSse.Chaos;

/// <summary>
/// The run's own redis-server on a free loopback port. It can be killed (SIGKILL) and started again with its
/// append-only file, or with nothing (its files removed), and its clients can be disconnected by CLIENT KILL.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _executable;
    private readonly string _directory;
    private Process? _process;

    private RedisServer(string executable, string directory)
    {
        _executable = executable;
        _directory = directory;
        Port = LoopbackPorts.Free();
    }

    public int Port { get; }

    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The path of redis-server, or null when it is not on PATH.</summary>
    public static string? Find() => TestResources.FindOnPath("redis-server");

    public static async Task<RedisServer> StartAsync(string directory, CancellationToken cancellationToken)
    {
        var executable = Find() ?? throw new InvalidOperationException("redis-server is not on PATH.");
        var server = new RedisServer(executable, Directory.CreateDirectory(directory).FullName);
        await server.StartAgainAsync(cancellationToken);
        return server;
    }

    /// <summary>Starts the server on its port and folder (with what its append-only file holds) and waits for PING.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            return;
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
            "--appendonly", "yes", "--appendfsync", "always", "--save", string.Empty, "--daemonize", "no",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var waited = Stopwatch.StartNew();
        while (await CommandAsync("PING", cancellationToken) != "+PONG")
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(20) || _process.HasExited)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>SIGKILL; with <paramref name="keepData"/> false its files are removed, so it comes back empty.</summary>
    public async Task KillAsync(bool keepData)
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        if (!keepData)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(_directory))
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
        }
    }

    /// <summary>Disconnects every normal client (CLIENT KILL TYPE normal); returns the reply.</summary>
    public Task<string?> KillClientsAsync(CancellationToken cancellationToken) =>
        CommandAsync("CLIENT KILL TYPE normal", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    /// <summary>Sends one inline command and returns the first line of the reply, or null when the server is not there.</summary>
    public async Task<string?> CommandAsync(string command, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), timeout.Token);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            return await reader.ReadLineAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
