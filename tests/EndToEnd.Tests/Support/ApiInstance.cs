using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace CleanSse.EndToEnd.Tests.Support;

/// <summary>
/// The service as a real process: <c>dotnet CleanSse.Api.dll --urls http://127.0.0.1:{port}</c>, with the test
/// output as its content root (the dashboard's files are copied there). It can be stopped the way an orchestrator
/// stops it (SIGTERM, a graceful shutdown), killed outright, and started again on the same port and database.
/// </summary>
public sealed class ApiInstance : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    // Settings the test machine's environment could carry into the child and that would change what is tested.
    private static readonly string[] InheritedPrefixesToDrop =
        ["ConnectionStrings__", "Database__", "Realtime__", "Outbox__", "Serilog__", "ASPNETCORE_", "Logging__"];

    private readonly Dictionary<string, string> _settings;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public ApiInstance(string name, IReadOnlyDictionary<string, string> settings)
    {
        Name = name;
        _settings = new(settings, StringComparer.Ordinal);
        Port = FreePort();
    }

    public string Name { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>An instance on its own SQLite file and the in-memory event log.</summary>
    public static ApiInstance WithSqlite(string name, string databaseFile) =>
        new(name, new Dictionary<string, string>
        {
            ["ConnectionStrings__Orders"] = $"Data Source={databaseFile}",
            ["Database__Provider"] = "Sqlite",
        });

    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = RepoPaths.Output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[RepoPaths.ApiAssembly, "--urls", BaseAddress.ToString().TrimEnd('/'), "--contentRoot", RepoPaths.Output])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(key => InheritedPrefixesToDrop.Any(prefix => key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in _settings)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Record(line.Data);
        process.ErrorDataReceived += (_, line) => Record(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        await WaitUntilHealthyAsync(process);
    }

    /// <summary>A graceful stop, as <c>docker stop</c> or systemd would do it: SIGTERM, then wait for the exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
            await kill.WaitForExitAsync();
        }
        else
        {
            process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"{Name} did not stop within {StopTimeout.TotalSeconds} s of SIGTERM.\n{Log()}");
        }
    }

    /// <summary>A crash: the process is gone at once, without a goodbye to its clients.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>What the process wrote, for a failure message.</summary>
    public string Log() => $"--- {Name} output ---\n{string.Join('\n', _output.TakeLast(200))}";

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();

        // Kept beside the test output for a look after a failed run.
        var logs = Directory.CreateDirectory(Path.Combine(RepoPaths.Output, "service-logs"));
        await File.WriteAllLinesAsync(Path.Combine(logs.FullName, $"{Name.Replace(' ', '-')}-{Port}.log"), _output);
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 2000)
        {
            _output.TryDequeue(out _);
        }
    }

    private async Task WaitUntilHealthyAsync(Process process)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} while starting.\n{Log()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("healthz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} was not healthy within {StartTimeout.TotalSeconds} s.\n{Log()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The dotnet host running this test run, so the service runs on the same runtime.</summary>
    private static string DotnetHost()
    {
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
        {
            return fromCli;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ holds the runtime; <root>/dotnet is the host.
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host) ? host : "dotnet";
    }
}
