using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace CleanSse.ScaleOut.Tests.Infrastructure;

/// <summary>
/// The service as its own process (<c>dotnet CleanSse.Api.dll --urls http://127.0.0.1:0</c>), configured through
/// environment variables as an operator would. Its address is read from the "Now listening on" line it logs.
/// </summary>
public sealed partial class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public OrdersApi Orders => new(Http);

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Environment variables of an instance that shares a Redis and a PostgreSQL database with others.</summary>
    public static Dictionary<string, string> ScaledOut(RedisTestKeys redis, TestDatabase database)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(database);
        return new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["Realtime__KeyPrefix"] = redis.Prefix,
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Orders"] = database.ConnectionString,
        };
    }

    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var dll = LocateApiAssembly();
        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(Path.GetDirectoryName(dll)!);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        start.Environment["Serilog__MinimumLevel__Override__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var app = new AppProcess(process);
        process.OutputDataReceived += (_, line) => app.OnOutput(line.Data);
        process.ErrorDataReceived += (_, line) => app.OnOutput(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            var exited = process.WaitForExitAsync(timeout.Token);
            var listening = app._listening.Task.WaitAsync(timeout.Token);
            if (await Task.WhenAny(listening, exited) != listening || !listening.IsCompletedSuccessfully)
            {
                throw new InvalidOperationException($"The service process did not start listening:\n{app.Output}");
            }

            app.BaseAddress = await listening;
            app.Http = new HttpClient { BaseAddress = app.BaseAddress };
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts two instances at once; if either fails, neither is left running.</summary>
    public static async Task<(AppProcess First, AppProcess Second)> StartPairAsync(
        IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var starting = new[] { StartAsync(environment, cancellationToken), StartAsync(environment, cancellationToken) };
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

    /// <summary>What the process wrote, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>SIGKILL: no graceful shutdown, no last <c>retry:</c>, sockets reset by the kernel.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    /// <summary>
    /// CleanSse.Api.dll as the build left it: next to the test assembly (the project reference copies it there), or
    /// else in src/Api's own output.
    /// </summary>
    private static string LocateApiAssembly()
    {
        static bool Runnable(string dll) => File.Exists(dll) && File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json"));

        var beside = Path.Combine(AppContext.BaseDirectory, "CleanSse.Api.dll");
        if (Runnable(beside))
        {
            return beside;
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var bin = Path.Combine(folder.FullName, "src", "Api", "bin");
            if (Directory.Exists(bin))
            {
                var built = Directory.EnumerateFiles(bin, "CleanSse.Api.dll", SearchOption.AllDirectories)
                    .Where(Runnable)
                    .OrderByDescending(File.GetLastWriteTimeUtc)
                    .FirstOrDefault();
                if (built is not null)
                {
                    return built;
                }
            }
        }

        throw new FileNotFoundException($"CleanSse.Api.dll (with its runtimeconfig.json) is neither in {AppContext.BaseDirectory} nor in src/Api/bin.");
    }

    /// <summary>The dotnet host that runs this test process (set by the SDK), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 400)
        {
            _output.TryDequeue(out _);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups["address"].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (?<address>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
