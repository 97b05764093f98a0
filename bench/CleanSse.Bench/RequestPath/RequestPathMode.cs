using System.Diagnostics;

namespace CleanSse.Bench.RequestPath;

/// <summary><c>CleanSse.Bench requests [options]</c>: the request-path bench, beside the fan-out bench.</summary>
public static class RequestPathMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        RequestPathOptions options;
        try
        {
            options = RequestPathOptions.Parse(args);
        }
        catch (ArgumentException exception)
        {
            Console.Error.WriteLine(exception.Message);
            return 2;
        }

        var root = RepositoryRoot();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        // Databases and logs in memory (tmpfs) where there is one, as the fan-out bench keeps them.
        var runDirectory = Directory.Exists("/dev/shm")
            ? Directory.CreateDirectory(Path.Combine("/dev/shm", $"cleansse-requests-{Environment.ProcessId}")).FullName
            : Directory.CreateTempSubdirectory("cleansse-requests-").FullName;
        var output = Path.GetFullPath(options.Output, root);
        Directory.CreateDirectory(output);
        var machine = Machine();
        Runner.Log($"CleanSse request-path bench ({configuration}): {machine}");

        var started = Stopwatch.StartNew();
        var report = await new RequestPathBench(options, root, configuration, runDirectory).RunAsync();
        report.DurationSeconds = started.Elapsed.TotalSeconds;

        var markdown = report.Markdown(machine);
        await File.WriteAllTextAsync(Path.Combine(output, "results.md"), markdown);
        await File.WriteAllTextAsync(Path.Combine(output, "results.json"), report.ToJson());
        Console.WriteLine();
        Console.WriteLine(markdown);
        Runner.Log($"wrote results.md and results.json to {output}");
        try
        {
            Directory.Delete(runDirectory, recursive: true);
        }
        catch (IOException)
        {
        }

        return 0;
    }

    private static string RepositoryRoot()
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

    private static string Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        return $"{cpu}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {Runner.LoadAverage()}";
    }
}
