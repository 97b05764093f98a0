using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace CleanSse.Bench.RequestPath;

/// <summary>
/// The plain request path: POST, GET by id, GET list, PATCH and health, each at several numbers of concurrent callers,
/// against CleanSse (Release build, SQLite in memory-backed files or PostgreSQL) and an in-memory minimal-API baseline
/// started in the same run. Every caller runs closed-loop on its own keep-alive connection.
/// </summary>
public sealed class RequestPathBench(RequestPathOptions options, string repositoryRoot, string configuration, string runDirectory)
{
    private const string OrderBody = """{"customer":"Bench","items":[{"sku":"BOOK-1","quantity":2,"unitPrice":12.5},{"sku":"PEN-2","quantity":1,"unitPrice":3}]}""";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    public async Task<RequestPathReport> RunAsync()
    {
        var report = new RequestPathReport { Settings = options, Started = DateTimeOffset.UtcNow, LoadAtStart = Runner.LoadAverage() };
        var running = new List<RunningServer>();
        try
        {
            foreach (var name in options.Servers)
            {
                var run = new ServerRun(name) { LoadBefore = Runner.LoadAverage() };
                report.Servers.Add(run);
                if (await StartAsync(run) is { } server)
                {
                    running.Add(server);
                }
            }

            // Every server runs each cell right after the others: a machine that slows down or speeds up during the
            // run moves a cell and the baseline it is compared with alike. Servers started one after another and
            // measured in turn read ratios off cells minutes apart, and the ratios moved with the machine.
            foreach (var callers in options.Callers)
            {
                foreach (var operation in options.Operations)
                {
                    for (var round = 1; round <= options.Rounds; round++)
                    {
                        foreach (var server in running)
                        {
                            await MeasureOnAsync(server, operation, callers, round);
                        }
                    }
                }
            }
        }
        finally
        {
            foreach (var server in running)
            {
                await server.DisposeAsync();
                server.Run.LoadAfter = Runner.LoadAverage();
            }
        }

        report.LoadAtEnd = Runner.LoadAverage();
        return report;
    }

    private async Task<RunningServer?> StartAsync(ServerRun run)
    {
        var name = run.Name;
        Runner.Log($"== {name}  (load average {run.LoadBefore})");
        string? database = null;
        ServerProcess? process = null;
        try
        {
            var environment = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" };
            string dll;
            if (name == "baseline")
            {
                dll = Path.Combine(repositoryRoot, "bench", "Competitors.Baseline", "bin", configuration, "net10.0", "CleanSse.Competitors.Baseline.dll");
            }
            else
            {
                dll = Path.Combine(repositoryRoot, "src", "Api", "bin", configuration, "net10.0", "CleanSse.Api.dll");
                environment["Serilog__MinimumLevel__Default"] = "Warning";
                environment["Auth__DemoStaff__Email"] = Accounts.StaffEmail;
                environment["Auth__DemoStaff__Password"] = Accounts.Password;
                environment["RateLimiting__Enabled"] = "false";
                if (name == "postgres")
                {
                    if (string.IsNullOrWhiteSpace(options.Postgres))
                    {
                        run.Errors.Add("skipped: no PostgreSQL (--postgres or CLEANSSE_TEST_POSTGRES)");
                        Runner.Log("   skipped: no PostgreSQL");
                        return null;
                    }

                    database = $"cleansse_bench_{Environment.ProcessId}_{DateTime.UtcNow:HHmmss}";
                    environment["Database__Provider"] = "Postgres";
                    environment["ConnectionStrings__Orders"] = $"{options.Postgres.TrimEnd(';')};Database={database}";
                }
                else if (name == "sqlite")
                {
                    environment["ConnectionStrings__Orders"] = $"Data Source={Path.Combine(runDirectory, name, "orders.db")}";
                }
                else
                {
                    throw new ArgumentException($"Unknown server '{name}': baseline, sqlite or postgres.");
                }
            }

            if (!File.Exists(dll))
            {
                throw new FileNotFoundException($"Build it first (dotnet build -c {configuration}).", dll);
            }

            var work = Directory.CreateDirectory(Path.Combine(runDirectory, name)).FullName;
            var started = Stopwatch.StartNew();
            process = await ServerProcess.StartAsync(dll, work, Path.Combine(work, "server.log"), environment, StartTimeout);
            run.StartSeconds = started.Elapsed.TotalSeconds;
            if (name != "baseline")
            {
                using var accounts = new Accounts(process.BaseAddress);
                using var timeout = new CancellationTokenSource(StartTimeout);
                process.Token = await accounts.StaffTokenAsync(timeout.Token);
            }

            Runner.Log($"   started (pid {process.Id}) in {run.StartSeconds:F1} s on {process.BaseAddress}");
            if (process.Token is not null && options.FirstOrders > 0)
            {
                run.FirstOrders = await FirstOrdersAsync(process);
                Runner.Log($"   first order after start: {run.FirstOrders[0].ToEventMs:F1} ms to its event ({run.FirstOrders[0].PostMs:F1} ms to its 201); next ones: "
                    + string.Join(", ", run.FirstOrders.Skip(1).Select(order => order.ToEventMs.ToString("F1", CultureInfo.InvariantCulture))) + " ms");
            }

            return new RunningServer(run, process, database);
        }
        catch (Exception exception)
        {
            run.Errors.Add($"{exception.GetType().Name}: {exception.Message}");
            Runner.Log($"   failed: {exception.Message}");
            await new RunningServer(run, process, database).DisposeAsync();
            run.LoadAfter = Runner.LoadAverage();
            return null;
        }
    }

    private async Task MeasureOnAsync(RunningServer server, string operation, int callers, int round)
    {
        var run = server.Run;
        if (server.Failed)
        {
            return;
        }

        try
        {
            if (server.Process!.HasExited)
            {
                run.Errors.Add($"the server exited before {operation} at {callers} callers");
                server.Failed = true;
                return;
            }

            if (server.Orders.All.IsEmpty && operation is "get" or "patch")
            {
                await PostOrdersAsync(server.Process, server.Orders, 200);
            }

            var cell = await MeasureAsync(server.Process, operation, callers, server.Orders) with { Round = round };
            run.Cells.Add(cell);
            Runner.Log(string.Create(
                CultureInfo.InvariantCulture,
                $"   {run.Name,-8} {operation,-6} {callers,3} callers, round {round}: {cell.PerSecond,8:F0}/s  p50 {cell.P50Ms,6:F2} ms  p99 {cell.P99Ms,7:F2} ms  server {cell.ServerCpuMicros,6:F0} µs/req  bench {cell.BenchCpuMicros,5:F0} µs/req{(cell.Errors > 0 ? $"  {cell.Errors} errors ({cell.ErrorStatuses})" : "")}{(cell.RanOut ? "  (ran out of orders to change)" : "")}"));
        }
        catch (Exception exception)
        {
            run.Errors.Add($"{exception.GetType().Name}: {exception.Message}");
            Runner.Log($"   {run.Name} failed: {exception.Message}");
            server.Failed = true;
        }
    }

    private async Task<CellResult> MeasureAsync(ServerProcess server, string operation, int callers, OrderIds orders)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(options.WarmUpSeconds + options.Seconds + 60));
        var connections = new RawHttpConnection[callers];
        for (var i = 0; i < callers; i++)
        {
            connections[i] = await RawHttpConnection.ConnectAsync(server.EndPoint, stop.Token);
        }

        var histogram = new LatencyHistogram();
        var phase = new Phase();
        var errors = new ConcurrentDictionary<int, int>();
        long completed = 0;
        var ranOut = 0;
        var ids = orders.All.ToArray();
        var token = server.Token;
        var post = RawHttpConnection.Request("POST", "/api/orders", token, OrderBody);
        var list = RawHttpConnection.Request("GET", "/api/orders?limit=20", token);
        var health = RawHttpConnection.Request("GET", "/healthz", null);

        async Task CallerAsync(RawHttpConnection connection)
        {
            var random = new Random(connection.GetHashCode());
            while (!phase.Stopped)
            {
                byte[] request;
                string? changing = null;
                var paying = false;
                switch (operation)
                {
                    case "post": request = post; break;
                    case "list": request = list; break;
                    case "health": request = health; break;
                    case "get": request = RawHttpConnection.Request("GET", $"/api/orders/{ids[random.Next(ids.Length)]}", token); break;
                    case "patch":
                        if (orders.New.TryDequeue(out changing))
                        {
                            paying = true;
                        }
                        else if (!orders.Paid.TryDequeue(out changing))
                        {
                            Interlocked.Exchange(ref ranOut, 1);
                            return;
                        }

                        request = RawHttpConnection.Request("PATCH", $"/api/orders/{changing}", token, paying ? """{"status":"paid"}""" : """{"status":"shipped"}""");
                        break;
                    default: throw new ArgumentException($"Unknown request kind '{operation}': post, get, list, patch or health.");
                }

                var sent = Stopwatch.GetTimestamp();
                var response = await connection.SendAsync(request, readLocation: operation == "post", stop.Token);
                var elapsed = Stopwatch.GetTimestamp() - sent;
                if (phase.Measuring)
                {
                    histogram.Record(elapsed);
                    Interlocked.Increment(ref completed);
                    if (response.Status is < 200 or > 299)
                    {
                        errors.AddOrUpdate(response.Status, 1, (_, count) => count + 1);
                    }
                }

                if (response.Status == 201 && response.LocationId is { } id)
                {
                    orders.Created(id);
                }
                else if (paying && response.Status == 200)
                {
                    orders.Paid.Enqueue(changing!);
                }
            }
        }

        var loops = connections.Select(connection => Task.Run(() => CallerAsync(connection), stop.Token)).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(options.WarmUpSeconds), stop.Token);
        var serverCpu = server.CpuSeconds();
        var benchCpu = ServerProcess.ProcessCpuSeconds(Environment.ProcessId);
        var measured = Stopwatch.StartNew();
        phase.Start();
        await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(options.Seconds), stop.Token), Task.WhenAll(loops));
        phase.Stop();
        var seconds = measured.Elapsed.TotalSeconds;
        serverCpu = server.CpuSeconds() - serverCpu;
        benchCpu = ServerProcess.ProcessCpuSeconds(Environment.ProcessId) - benchCpu;
        try
        {
            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection.Dispose();
            }
        }

        var count = Interlocked.Read(ref completed);
        return new CellResult(
            operation,
            callers,
            count,
            count / seconds,
            histogram.Percentile(0.50),
            histogram.Percentile(0.99),
            count == 0 ? double.NaN : serverCpu * 1e6 / count,
            count == 0 ? double.NaN : benchCpu * 1e6 / count,
            errors.Values.Sum(),
            string.Join(", ", errors.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key}: {pair.Value}")),
            ranOut == 1);
    }

    private static async Task PostOrdersAsync(ServerProcess server, OrderIds orders, int count)
    {
        using var connection = await RawHttpConnection.ConnectAsync(server.EndPoint, CancellationToken.None);
        var post = RawHttpConnection.Request("POST", "/api/orders", server.Token, OrderBody);
        for (var i = 0; i < count; i++)
        {
            var response = await connection.SendAsync(post, readLocation: true, CancellationToken.None);
            if (response.LocationId is { } id)
            {
                orders.Created(id);
            }
        }
    }

    /// <summary>
    /// Right after start: a stream is opened, then orders are posted one at a time, each timed from its POST to its
    /// event on the stream. The first one is what a restart costs its first customer.
    /// </summary>
    private async Task<List<FirstOrder>> FirstOrdersAsync(ServerProcess server)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var stream = new Socket(System.Net.Sockets.AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await stream.ConnectAsync(server.EndPoint, timeout.Token);
        await stream.SendAsync(Encoding.ASCII.GetBytes($"GET /api/events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\nAuthorization: Bearer {server.Token}\r\n\r\n"), timeout.Token);
        using var events = new EventCounter(stream);
        var reading = events.ReadAsync(timeout.Token);
        await events.WaitForAsync("\"connected\"", 1, timeout.Token);

        using var connection = await RawHttpConnection.ConnectAsync(server.EndPoint, timeout.Token);
        var post = RawHttpConnection.Request("POST", "/api/orders", server.Token, OrderBody);
        var results = new List<FirstOrder>();
        for (var i = 1; i <= options.FirstOrders; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            var response = await connection.SendAsync(post, readLocation: false, timeout.Token);
            var answered = Stopwatch.GetElapsedTime(sent);
            if (response.Status != 201)
            {
                throw new InvalidOperationException($"POST answered {response.Status}.");
            }

            var delivered = await events.WaitForAsync("event: new-order", i, timeout.Token);
            results.Add(new FirstOrder(i, answered.TotalMilliseconds, Stopwatch.GetElapsedTime(sent, delivered).TotalMilliseconds));
            await Task.Delay(200, timeout.Token);
        }

        stream.Shutdown(SocketShutdown.Both);
        await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return results;
    }

    private static async Task DropDatabaseAsync(string database)
    {
        var settings = (Environment.GetEnvironmentVariable("CLEANSSE_TEST_POSTGRES") ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0].Trim().ToLowerInvariant(), pair => pair[1].Trim());
        var start = new ProcessStartInfo("psql") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-d");
        start.ArgumentList.Add("postgres");
        start.ArgumentList.Add("-qc");
        start.ArgumentList.Add($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        start.Environment["PGHOST"] = settings.GetValueOrDefault("host", "127.0.0.1");
        start.Environment["PGPORT"] = settings.GetValueOrDefault("port", "5432");
        start.Environment["PGUSER"] = settings.GetValueOrDefault("username", "postgres");
        start.Environment["PGPASSWORD"] = settings.GetValueOrDefault("password", "");
        try
        {
            using var process = Process.Start(start)!;
            await process.WaitForExitAsync();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Runner.Log($"   psql not found: drop database {database} by hand");
        }
    }

    /// <summary>A server of the run, its database and the orders the bench created on it.</summary>
    private sealed class RunningServer(ServerRun run, ServerProcess? process, string? database) : IAsyncDisposable
    {
        public ServerRun Run { get; } = run;

        public ServerProcess? Process { get; } = process;

        public OrderIds Orders { get; } = new();

        /// <summary>Set when a cell failed: the server's later cells are not run.</summary>
        public bool Failed { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (Process is not null)
            {
                await Process.DisposeAsync();
            }

            if (database is not null)
            {
                await DropDatabaseAsync(database);
            }
        }
    }

    /// <summary>Warm-up, then measured, then stopped; callers record only what completes while measured.</summary>
    private sealed class Phase
    {
        private int _state;

        public bool Measuring => Volatile.Read(ref _state) == 1;

        public bool Stopped => Volatile.Read(ref _state) == 2;

        public void Start() => Volatile.Write(ref _state, 1);

        public void Stop() => Volatile.Write(ref _state, 2);
    }

    /// <summary>Orders the bench created: new ones to pay, paid ones to ship, and every one to read.</summary>
    private sealed class OrderIds
    {
        public ConcurrentQueue<string> New { get; } = new();

        public ConcurrentQueue<string> Paid { get; } = new();

        public ConcurrentQueue<string> All { get; } = new();

        public void Created(string id)
        {
            New.Enqueue(id);
            All.Enqueue(id);
        }
    }

    /// <summary>Reads a stream and counts the occurrences of markers in it, noting when each count was reached.</summary>
    private sealed class EventCounter(Socket socket) : IDisposable
    {
        private readonly StringBuilder _text = new();
        private readonly SemaphoreSlim _changed = new(0);
        private readonly List<(string Marker, long At)> _seen = [];
        private readonly Lock _lock = new();

        public async Task ReadAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                var now = Stopwatch.GetTimestamp();
                if (read == 0)
                {
                    return;
                }

                lock (_lock)
                {
                    _text.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    _seen.Add((_text.ToString(), now));
                }

                _changed.Release();
            }
        }

        /// <summary>The time at which the stream had carried <paramref name="count"/> occurrences of <paramref name="marker"/>.</summary>
        public async Task<long> WaitForAsync(string marker, int count, CancellationToken cancellationToken)
        {
            while (true)
            {
                lock (_lock)
                {
                    foreach (var (text, at) in _seen)
                    {
                        if (Occurrences(text, marker) >= count)
                        {
                            return at;
                        }
                    }
                }

                await _changed.WaitAsync(cancellationToken);
            }
        }

        public void Dispose() => _changed.Dispose();

        private static int Occurrences(string text, string marker)
        {
            var count = 0;
            for (var at = text.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(marker, at + marker.Length, StringComparison.Ordinal))
            {
                count++;
            }

            return count;
        }
    }
}
