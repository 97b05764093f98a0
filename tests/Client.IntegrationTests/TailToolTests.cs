using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CleanSse.TestKit;

namespace CleanSse.Client.IntegrationTests;

/// <summary>
/// The packages as a user gets them: both projects packed, the tool installed from those packages into a tool path of
/// its own, and the installed <c>cleansse-tail</c> run against a live service with a token.
/// </summary>
public sealed class TailToolTests
{
    // Packing and installing start several dotnet processes from scratch, which a busy machine slows down.
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_packed_tool_installs_and_prints_an_order_created_after_it_started()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Deadline);
        var ct = deadline.Token;
        var work = Directory.CreateTempSubdirectory("cleansse-tool-");
        try
        {
            var packages = Path.Combine(work.FullName, "packages");
            var tools = Path.Combine(work.FullName, "tools");

            // Release, so the Debug outputs the suites run from are left alone; the build before the tests restored them.
            await DotnetAsync(work.FullName, null, ct, "pack", Path.Combine(RepoPaths.Root, "src", "Client"), "--no-restore", "-c", "Release", "-o", packages);
            await DotnetAsync(work.FullName, null, ct, "pack", Path.Combine(RepoPaths.Root, "src", "Tail"), "--no-restore", "-c", "Release", "-o", packages);
            Directory.GetFiles(packages, "CleanSse.Client.*.nupkg").ShouldNotBeEmpty();

            // A package cache of the test's own, so the install takes these packages and not ones an earlier run
            // cached under the same version.
            var cache = Path.Combine(work.FullName, "nuget-cache");
            await DotnetAsync(work.FullName, cache, ct, "tool", "install", "--tool-path", tools, "--add-source", packages, "CleanSse.Tail");
            var command = Path.Combine(tools, OperatingSystem.IsWindows() ? "cleansse-tail.exe" : "cleansse-tail");
            File.Exists(command).ShouldBeTrue("the install puts the cleansse-tail command in the tool path");

            await using var service = await ServiceHost.StartAsync(cancellationToken: ct);
            var start = Start(command, work.FullName);
            start.ArgumentList.Add(service.BaseAddress.ToString());
            start.ArgumentList.Add("--max-events");
            start.ArgumentList.Add("2");
            start.Environment["CLEANSSE_TOKEN"] = service.Clients.AccessToken;
            using var tail = Process.Start(start)!;
            try
            {
                var stderr = tail.StandardError.ReadToEndAsync(ct);

                // Output to a pipe is JSON lines: the greeting first, then the order created after it.
                var connected = await tail.StandardOutput.ReadLineAsync(ct);
                Line(connected).Data.ShouldBe("""{"type":"connected"}""");
                var order = await service.Orders.CreateAsync("Tool user", cancellationToken: ct);
                var created = Line(await tail.StandardOutput.ReadLineAsync(ct));
                await tail.WaitForExitAsync(ct);

                created.Type.ShouldBe("new-order");
                created.LastEventId.ShouldNotBeNullOrEmpty();
                using var data = JsonDocument.Parse(created.Data);
                data.RootElement.GetProperty("id").GetString().ShouldBe(order.Id);
                data.RootElement.GetProperty("customer").GetString().ShouldBe("Tool user");
                tail.ExitCode.ShouldBe(0, await stderr);
            }
            finally
            {
                if (!tail.HasExited)
                {
                    tail.Kill();
                }
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static (string Type, string Data, string LastEventId) Line(string? line)
    {
        line.ShouldNotBeNull("cleansse-tail ended its output early");
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return (root.GetProperty("type").GetString()!, root.GetProperty("data").GetString()!, root.GetProperty("lastEventId").GetString()!);
    }

    private static ProcessStartInfo Start(string fileName, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory,
        };

        // The tool's launcher finds the runtime the tests run on, wherever it is installed.
        start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Dotnet())!;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("CLEANSSE_TOKEN");
        start.Environment.Remove("NO_COLOR");
        return start;
    }

    private static string Dotnet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : Path.Combine(
            Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", "..", OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");

    private static async Task DotnetAsync(string workingDirectory, string? packageCache, CancellationToken cancellationToken, params string[] args)
    {
        var start = Start(Dotnet(), workingDirectory);
        if (packageCache is not null)
        {
            start.Environment["NUGET_PACKAGES"] = packageCache;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A build inside a test must not talk to the build servers the suites' own build may have left running.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        using var process = Process.Start(start)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            process.ExitCode.ShouldBe(0, $"dotnet {string.Join(' ', args)}\n{await stdout}\n{await stderr}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
