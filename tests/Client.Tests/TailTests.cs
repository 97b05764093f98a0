using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CleanSse.Client.Tests.TestKit;
using CleanSse.Tail;
using Microsoft.AspNetCore.Http;

namespace CleanSse.Client.Tests;

/// <summary>The <c>cleansse-tail</c> console app, run in-process through its entry point and, where exiting matters, as a process.</summary>
public sealed class TailTests
{
    private const string Body =
        "data: {\"type\":\"connected\"}\n\n" +
        "event: new-order\nid: 5\ndata: line 1\ndata: \"quoted\" caf\u00e9 <b>&</b>\n\n" +
        ": heartbeat\n\n" +
        "data: after\n\n";

    [Fact]
    public async Task Json_prints_one_object_a_line_with_what_a_MessageEvent_carries()
    {
        await using var server = await ScriptedServer.StreamingAsync(Body);

        var (exit, stdout, stderr) = await RunAsync(server.Url().ToString(), "--json", "--no-reconnect");

        exit.ShouldBe(0);
        stderr.ShouldBeEmpty();
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Select(Parse).ShouldBe([
            ("message", "{\"type\":\"connected\"}", ""),
            ("new-order", "line 1\n\"quoted\" caf\u00e9 <b>&</b>", "5"),
            ("message", "after", "5"),
        ]);
        lines[0].ShouldBe("""{"type":"message","data":"{\"type\":\"connected\"}","lastEventId":""}""");
    }

    [Fact]
    public async Task With_text_each_event_is_a_readable_line()
    {
        await using var server = await ScriptedServer.StreamingAsync(Body);

        var (exit, stdout, _) = await RunAsync(server.Url().ToString(), "--no-reconnect", "--text");

        exit.ShouldBe(0);
        stdout.ShouldBe(
            "message: {\"type\":\"connected\"}\n" +
            "new-order #5: line 1\n    \"quoted\" caf\u00e9 <b>&</b>\n" +
            "message #5: after\n");
    }

    [Fact]
    public async Task Json_lines_are_the_default_when_the_output_is_not_a_terminal()
    {
        await using var server = await ScriptedServer.StreamingAsync(Body);

        var (exit, stdout, _) = await RunAsync(server.Url().ToString(), "--no-reconnect");

        exit.ShouldBe(0);
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse).Select(e => e.Type).ShouldBe(["message", "new-order", "message"]);
    }

    [Fact]
    public async Task On_a_terminal_lines_are_readable_and_coloured()
    {
        await using var server = await ScriptedServer.StreamingAsync("event: new-order\nid: 5\ndata: x\n\nevent: re\u001bset\ndata: y\n\n");

        var (exit, stdout, _) = await RunAsync(new TailConsole(OutputIsTerminal: true, NoColor: false, null), server.Url().ToString(), "--no-reconnect");

        exit.ShouldBe(0);
        stdout.ShouldBe(
            "\u001b[32mnew-order\u001b[0m \u001b[2m#5\u001b[0m: x\n" +
            "\u001b[35mre?set\u001b[0m \u001b[2m#5\u001b[0m: y\n");
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task NO_COLOR_or_no_color_keeps_a_terminal_plain(bool noColorVariable, bool noColorFlag)
    {
        await using var server = await ScriptedServer.StreamingAsync("event: new-order\nid: 5\ndata: x\n\n");
        string[] args = noColorFlag ? [server.Url().ToString(), "--no-reconnect", "--no-color"] : [server.Url().ToString(), "--no-reconnect"];

        var (exit, stdout, _) = await RunAsync(new TailConsole(OutputIsTerminal: true, NoColor: noColorVariable, null), args);

        exit.ShouldBe(0);
        stdout.ShouldBe("new-order #5: x\n");
    }

    [Fact]
    public async Task Type_filters_print_only_those_types()
    {
        await using var server = await ScriptedServer.StreamingAsync(Body + "event: order-updated\nid: 6\ndata: u\n\nevent: reset\ndata: r\n\n");

        var (exit, stdout, _) = await RunAsync(server.Url().ToString(), "--no-reconnect", "--type", "new-order", "-t", "order-updated", "--max-events", "2");

        exit.ShouldBe(0);
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse).Select(e => (e.Type, e.LastEventId))
            .ShouldBe([("new-order", "5"), ("order-updated", "6")]);
    }

    [Fact]
    public async Task A_URL_that_names_only_the_server_reads_its_event_stream()
    {
        await using var server = await ScriptedServer.StreamingAsync("data: x\n\n");

        var (exit, _, _) = await RunAsync(server.BaseAddress.ToString(), "--no-reconnect", "--since", "41");

        exit.ShouldBe(0);
        var request = await server.NextRequestAsync();
        request.Path.ShouldBe("/api/events");
        request.Header("Last-Event-ID").ShouldBe("41");
    }

    [Fact]
    public async Task Max_events_stops_after_that_many_and_closes_the_stream()
    {
        await using var server = await ScriptedServer.StartAsync(async (context, number) =>
        {
            await ScriptedServer.WriteStreamAsync(context, "id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n");
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });

        var (exit, stdout, _) = await RunAsync(server.Url().ToString(), "--json", "--max-events", "2");

        exit.ShouldBe(0);
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse).Select(e => e.LastEventId).ShouldBe(["1", "2"]);
        await server.ClientAborted.WithDeadline();
        server.RequestCount.ShouldBe(1);
    }

    [Fact]
    public async Task Last_event_id_and_headers_are_sent()
    {
        await using var server = await ScriptedServer.StreamingAsync("data: x\n\n");

        var (exit, _, _) = await RunAsync(
            server.Url().ToString(), "--no-reconnect", "--last-event-id", "17", "-H", "Authorization: Bearer abc", "-H", "X-Trace:  t-1 ");

        exit.ShouldBe(0);
        var request = await server.NextRequestAsync();
        request.Header("Last-Event-ID").ShouldBe("17");
        request.Header("Authorization").ShouldBe("Bearer abc");
        request.Header("X-Trace").ShouldBe("t-1");
    }

    [Fact]
    public async Task Token_signs_the_stream_in_as_a_bearer()
    {
        await using var server = await ScriptedServer.StreamingAsync("data: x\n\n");

        var (exit, _, _) = await RunAsync(server.Url().ToString(), "--no-reconnect", "--token", "t0k3n");

        exit.ShouldBe(0);
        (await server.NextRequestAsync()).Header("Authorization").ShouldBe("Bearer t0k3n");
    }

    [Theory]
    [InlineData(null, "from-env", "from-env")]
    [InlineData("from-flag", "from-env", "from-flag")]
    [InlineData(null, "  ", null)]
    [InlineData(null, null, null)]
    public void The_token_comes_from_the_flag_or_else_from_CLEANSSE_TOKEN(string? flag, string? environment, string? expected)
    {
        string[] args = flag is null ? ["http://127.0.0.1/a"] : ["http://127.0.0.1/a", "--token", flag];

        var parsed = TailArguments.Parse(args, environment, out var error);

        error.ShouldBeNull();
        parsed.ShouldNotBeNull().Token.ShouldBe(expected);
    }

    [Fact]
    public async Task Reconnecting_is_the_default()
    {
        await using var server = await ScriptedServer.StartAsync((context, number) =>
            ScriptedServer.WriteStreamAsync(context, $"id: {number}\ndata: {number}\n\n"));

        var (exit, stdout, _) = await RunAsync(server.Url().ToString(), "--json", "--max-events", "3");

        exit.ShouldBe(0);
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse).Select(e => e.Data).ShouldBe(["1", "2", "3"]);
    }

    [Theory]
    [InlineData(204, null)]
    [InlineData(404, null)]
    [InlineData(500, null)]
    [InlineData(200, "text/plain")]
    public async Task A_refused_stream_is_one_line_on_stderr_and_exit_code_4(int status, string? contentType)
    {
        await using var server = await ScriptedServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = status;
            if (contentType is not null)
            {
                context.Response.ContentType = contentType;
            }

            return Task.CompletedTask;
        });

        var (exit, stdout, stderr) = await RunAsync(server.Url().ToString(), "--json");

        exit.ShouldBe(4);
        stdout.ShouldBeEmpty();
        stderr.ShouldStartWith("cleansse-tail: ");
        stderr.TrimEnd('\n').ShouldNotContain('\n');
        server.RequestCount.ShouldBe(1);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task An_unauthorized_stream_exits_with_2(int status)
    {
        await using var server = await ScriptedServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        });

        var (exit, _, stderr) = await RunAsync(server.Url().ToString(), "--token", "expired");

        exit.ShouldBe(2);
        stderr.ShouldStartWith("cleansse-tail: ");
        server.RequestCount.ShouldBe(1);
    }

    [Fact]
    public async Task An_unreachable_server_exits_with_3_after_max_attempts()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var (exit, stdout, stderr) = await RunAsync($"http://127.0.0.1:{port}/api/events", "--max-attempts", "1");

        exit.ShouldBe(3);
        stdout.ShouldBeEmpty();
        stderr.ShouldStartWith("cleansse-tail: ");
    }

    [Fact]
    public async Task A_broken_stream_without_reconnecting_exits_with_3()
    {
        await using var server = await ScriptedServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        });

        var (exit, _, stderr) = await RunAsync(server.Url().ToString(), "--no-reconnect");

        exit.ShouldBe(3);
        stderr.ShouldStartWith("cleansse-tail: ");
    }

    [Theory]
    [InlineData]
    [InlineData("--json")]
    [InlineData("relative/path")]
    [InlineData("ftp://127.0.0.1/x")]
    [InlineData("http://127.0.0.1/a", "http://127.0.0.1/b")]
    [InlineData("http://127.0.0.1/a", "--bogus")]
    [InlineData("http://127.0.0.1/a", "--max-events")]
    [InlineData("http://127.0.0.1/a", "--max-events", "0")]
    [InlineData("http://127.0.0.1/a", "--max-events", "-3")]
    [InlineData("http://127.0.0.1/a", "--max-events", "two")]
    [InlineData("http://127.0.0.1/a", "--last-event-id")]
    [InlineData("http://127.0.0.1/a", "-H")]
    [InlineData("http://127.0.0.1/a", "-H", "no colon")]
    [InlineData("http://127.0.0.1/a", "-H", ": no name")]
    [InlineData("http://127.0.0.1/a", "-H", "Bad Name: v")]
    [InlineData("http://127.0.0.1/a", "--json", "--text")]
    [InlineData("http://127.0.0.1/a", "--max-attempts", "-1")]
    [InlineData("http://127.0.0.1/a", "--type")]
    public async Task Bad_arguments_print_the_usage_on_stderr_and_exit_with_1(params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync(args);

        exit.ShouldBe(1);
        stdout.ShouldBeEmpty();
        stderr.ShouldStartWith("cleansse-tail: ");
        stderr.ShouldContain("usage: cleansse-tail URL");
    }

    [Fact]
    public async Task Help_prints_the_options_and_the_exit_codes_on_stdout()
    {
        var (exit, stdout, stderr) = await RunAsync("--help");

        exit.ShouldBe(0);
        stdout.ShouldContain("cleansse-tail <URL> [options]");
        stdout.ShouldContain("--token");
        stdout.ShouldContain("--type");
        stdout.ShouldContain("--since");
        stdout.ShouldContain("Exit codes:");
        stdout.ShouldContain("2    unauthorized");
        stderr.ShouldBeEmpty();
    }

    [Fact]
    public async Task As_a_process_events_of_several_megabytes_are_all_written_before_exit()
    {
        var big = new string('x', 3 * 1024 * 1024);
        await using var server = await ScriptedServer.StartAsync(async (context, _) =>
        {
            await ScriptedServer.WriteStreamAsync(context, $"id: 1\ndata: {big}\n\nid: 2\ndata: y{big}\n\n");
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });

        var (exit, stdout, stderr) = await RunProcessAsync(server.Url().ToString(), "--json", "--max-events", "2");

        stderr.ShouldBeEmpty();
        exit.ShouldBe(0);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2);
        Parse(lines[0]).ShouldBe(("message", big, "1"));
        Parse(lines[1]).ShouldBe(("message", "y" + big, "2"));
    }

    [Fact]
    public async Task As_a_process_the_exit_codes_are_4_for_a_refused_stream_and_1_for_bad_arguments()
    {
        await using var server = await ScriptedServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });

        var failed = await RunProcessAsync(server.Url().ToString());
        var bad = await RunProcessAsync("--max-events", "none");

        failed.Exit.ShouldBe(4);
        failed.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem().ShouldStartWith("cleansse-tail: ");
        bad.Exit.ShouldBe(1);
        bad.Stderr.ShouldContain("usage: cleansse-tail URL");
    }

    private static (string Type, string Data, string LastEventId) Parse(string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        root.EnumerateObject().Select(p => p.Name).ShouldBe(["type", "data", "lastEventId"]);
        return (root.GetProperty("type").GetString()!, root.GetProperty("data").GetString()!, root.GetProperty("lastEventId").GetString()!);
    }

    private static Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        RunAsync(new TailConsole(OutputIsTerminal: false, NoColor: false, EnvironmentToken: null), args);

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(TailConsole console, params string[] args)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(ScriptedServer.Deadline);
        using var stdout = new MemoryStream();
        await using var stderr = new StringWriter();
        var exit = await TailCommand.RunAsync(args, stdout, stderr, console, deadline.Token);
        deadline.IsCancellationRequested.ShouldBeFalse("tail ran past the deadline");
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString().ReplaceLineEndings("\n"));
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunProcessAsync(params string[] args)
    {
        var tail = Path.Combine(AppContext.BaseDirectory, "CleanSse.Tail.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(tail);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        // A process of its own starts and JIT-compiles from scratch, which on a busy machine takes a while.
        deadline.CancelAfter(3 * ScriptedServer.Deadline);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
