using System.Diagnostics;
using System.Globalization;
using CleanSse.Bench;
using CleanSse.Bench.RequestPath;

if (args is ["requests", ..])
{
    return await RequestPathMode.RunAsync(args[1..]);
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

var root = FindRepositoryRoot();
// The bench runs from bench/CleanSse.Bench/bin/<Configuration>/net10.0/, and measures servers built the same way.
var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
var output = Path.GetFullPath(options.Output, root);
// Server databases and logs go to memory (tmpfs) where there is one: the bench measures streaming, not the disk of a
// shared machine, whose fsync times would otherwise swamp every write of CleanSse's SQLite store.
var runDirectory = Directory.Exists("/dev/shm")
    ? Directory.CreateDirectory(Path.Combine("/dev/shm", $"cleansse-bench-{Environment.ProcessId}")).FullName
    : Directory.CreateTempSubdirectory("cleansse-bench-").FullName;
Directory.CreateDirectory(output);

var started = Stopwatch.StartNew();
var report = new BenchReport
{
    Machine = Machine(),
    Settings = options,
    Started = DateTimeOffset.UtcNow,
};
Runner.Log($"CleanSse bench ({configuration}): {report.Machine.Cpu}, {report.Machine.Cores} cores, load average {report.Machine.LoadAtStart}");
Runner.Log($"server logs and databases in {runDirectory}");

var runner = new Runner(options, root, configuration, runDirectory);
foreach (var name in options.Servers)
{
    report.Servers.Add(await runner.RunServerAsync(runner.Kind(name)));
}

if (options.RedisClients > 0)
{
    report.Redis = await runner.RunRedisAsync(runner.Kind("cleansse"));
}

if (options.ManyStreams > 0)
{
    report.ManyStreams = await runner.RunManyStreamsAsync(runner.Kind("cleansse"));
}

report.DurationSeconds = started.Elapsed.TotalSeconds;
report.Machine = report.Machine with { LoadAtEnd = Runner.LoadAverage() };

var markdown = Report.Markdown(report);
await File.WriteAllTextAsync(Path.Combine(output, "results.md"), markdown);
await File.WriteAllTextAsync(Path.Combine(output, "results.json"), Report.ToJson(report));
await File.WriteAllTextAsync(Path.Combine(output, "fanout.svg"), Report.Svg(report));
Console.WriteLine();
Console.WriteLine(markdown);
Runner.Log($"wrote results.md, results.json and fanout.svg to {output}");
try
{
    Directory.Delete(runDirectory, recursive: true);
}
catch (IOException)
{
}

return 0;

static string FindRepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "CleanSse.sln")))
        {
            return directory.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

static MachineInfo Machine()
{
    var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
    var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
    var memoryKiB = long.Parse(memory["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    var os = File.Exists("/etc/os-release")
        ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "Linux"
        : Environment.OSVersion.ToString();
    return new MachineInfo(cpu, Environment.ProcessorCount, memoryKiB / 1024, DotnetVersion(), os, Runner.LoadAverage(), null);
}

static string DotnetVersion()
{
    try
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var version = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit(10_000);
        return version;
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return Environment.Version.ToString();
    }
}
