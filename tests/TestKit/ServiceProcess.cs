using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace CleanSse.TestKit;

/// <summary>
/// The service as a process of its own (<c>dotnet CleanSse.Api.dll --urls http://127.0.0.1:{port}</c>), configured
/// through environment variables as an operator would. It keeps its port for its whole life, so it can be stopped
/// (SIGTERM, a graceful shutdown), killed (SIGKILL) and started again where its clients expect it. What it writes is
/// kept, and saved beside the test output when it is disposed.
/// </summary>
public sealed class ServiceProcess : IRunningService, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private const int KeptLines = 2000;

    // Settings the test machine's environment could carry into the child and that would change what is tested.
    private static readonly string[] InheritedPrefixesToDrop =
        ["ConnectionStrings__", "Database__", "Realtime__", "Outbox__", "Serilog__", "ASPNETCORE_", "Logging__", "Auth__",
            "RateLimiting__", "Cors__", "ForwardedHeaders__", "SecurityHeaders__", "Health__"];

    private readonly Dictionary<string, string> _environment;
    private readonly ConcurrentQueue<string> _output = new();
    private HttpClient? _http;
    private Process? _process;

    /// <param name="name">Names the instance in failure messages and its log file.</param>
    /// <param name="environment">Configuration as environment variables, e.g. <c>ConnectionStrings__Orders</c>.</param>
    public ServiceProcess(string name, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        _environment = new(environment, StringComparer.Ordinal);
        foreach (var (key, value) in TestUsers.StaffSettings)
        {
            _environment.TryAdd(key.Replace(":", "__", StringComparison.Ordinal), value!);
        }

        Port = LoopbackPorts.Free();
        Clients = new ServiceClients(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/")));
    }

    public string Name { get; }

    public int Port { get; }

    public Uri BaseAddress => Clients.BaseAddress;

    public ServiceClients Clients { get; }

    public HttpClient Http => _http ??= Clients.Create();

    public OrdersApiClient Orders => new(Http);

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The id of the running process.</summary>
    public int Id => _process?.Id ?? throw new InvalidOperationException($"{Name} has not started.");

    /// <summary>The environment of an instance on its own SQLite file (the in-memory event log).</summary>
    public static Dictionary<string, string> WithSqlite(string databaseFile) => new()
    {
        ["ConnectionStrings__Orders"] = $"Data Source={databaseFile}",
        ["Database__Provider"] = "Sqlite",
    };

    /// <summary>Creates and starts an instance.</summary>
    public static async Task<ServiceProcess> LaunchAsync(string name, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken = default)
    {
        var service = new ServiceProcess(name, environment);
        try
        {
            await service.StartAsync(cancellationToken);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts two instances at once; if either fails, neither is left running.</summary>
    public static async Task<(ServiceProcess First, ServiceProcess Second)> LaunchPairAsync(
        IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken = default)
    {
        var starting = new[] { LaunchAsync("first", environment, cancellationToken), LaunchAsync("second", environment, cancellationToken) };
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var start in starting.Where(start => start.IsCompletedSuccessfully))
            {
                await start.Result.DisposeAsync();
            }

            throw;
        }

        return (starting[0].Result, starting[1].Result);
    }

    /// <summary>Starts the process (again, after a stop or a kill) and waits until <c>/healthz</c> answers 200.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        var dll = RepoPaths.ApiAssembly();
        var folder = Path.GetDirectoryName(dll)!;
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[dll, "--urls", BaseAddress.ToString().TrimEnd('/'), "--contentRoot", folder])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(key => InheritedPrefixesToDrop.Any(prefix => key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        start.Environment["Serilog__MinimumLevel__Override__Microsoft.Hosting.Lifetime"] = "Information";
        // The suites write far faster than any user could; the limit on writes has tests of its own.
        start.Environment["RateLimiting__Enabled"] = "false";
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        if (_process is not null)
        {
            // Connections pooled while the old process ran lead nowhere now.
            _process.Dispose();
            _http?.Dispose();
            _http = null;
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Record(line.Data);
        process.ErrorDataReceived += (_, line) => Record(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        await WaitUntilHealthyAsync(process, cancellationToken);
        await Clients.SignInAsync(TestUsers.Staff, cancellationToken);
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
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
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

    /// <summary>SIGKILL: a crash, no graceful shutdown, no last <c>retry:</c>, sockets reset by the kernel.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>What the process wrote (its last lines), for a failure message.</summary>
    public string Log() => $"--- {Name} output ---\n{string.Join('\n', _output)}";

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        await KillAsync();
        _process?.Dispose();

        // Kept beside the test output for a look after a failed run.
        var logs = Directory.CreateDirectory(Path.Combine(RepoPaths.Output, "service-logs"));
        await File.WriteAllLinesAsync(Path.Combine(logs.FullName, $"{Name.Replace(' ', '-')}-{Port}.log"), _output);
    }

    /// <summary>The dotnet host running this test run (set by the SDK), so the service runs on the same runtime.</summary>
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

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > KeptLines)
        {
            _output.TryDequeue(out _);
        }
    }

    private async Task WaitUntilHealthyAsync(Process process, CancellationToken cancellationToken)
    {
        using var http = Clients.Create(timeout: TimeSpan.FromSeconds(5));
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} while starting.\n{Log()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("healthz", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Busy starting.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"{Name} was not healthy within {StartTimeout.TotalSeconds} s.\n{Log()}");
    }
}
