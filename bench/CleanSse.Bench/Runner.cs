using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace CleanSse.Bench;

/// <summary>A server the bench can start: which build, which client protocol, which settings.</summary>
public sealed record ServerKind(string Name, string Dll, ClientProtocol Protocol, bool IsCleanSse);

/// <summary>Runs every case against every server, one server process at a time, so each has the machine to itself.</summary>
public sealed class Runner(BenchOptions options, string repositoryRoot, string configuration, string runDirectory)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] RedisCli = ["-h", "127.0.0.1", "-p", "6379"];

    public ServerKind Kind(string name) => name switch
    {
        "naive" => new("naive", Competitor("Naive"), ClientProtocol.Sse, false),
        "builtin" => new("builtin", Competitor("BuiltIn"), ClientProtocol.Sse, false),
        "signalr" => new("signalr", Competitor("SignalR"), ClientProtocol.SignalR, false),
        "cleansse" => new("cleansse", Path.Combine(repositoryRoot, "src", "Api", "bin", configuration, "net10.0", "CleanSse.Api.dll"), ClientProtocol.Sse, true),
        "baseline" => new("baseline", options.Baseline ?? throw new ArgumentException("Server 'baseline' needs --baseline PATH."), ClientProtocol.Sse, true),
        _ => throw new ArgumentException($"Unknown server '{name}': naive, builtin, signalr, cleansse or baseline."),
    };

    public async Task<ServerResult> RunServerAsync(ServerKind kind)
    {
        var result = new ServerResult(kind.Name) { LoadBefore = LoadAverage() };
        Log($"== {kind.Name}  (load average {result.LoadBefore})");
        try
        {
            await using var server = await StartAsync(kind, kind.Name, redisPrefix: null);
            result.SignsIn = server.Token is not null;
            await WarmUpAsync(server, kind.Protocol);

            if (options.MemoryClients > 0)
            {
                for (var i = 0; i < options.MemoryModes.Count; i++)
                {
                    var mode = options.MemoryModes[i];
                    if (i == 0)
                    {
                        result.Memory.Add(await MeasureMemoryAsync(server, kind.Protocol, mode, result.Errors));
                        continue;
                    }

                    // A process keeps the heap an earlier arrival grew: each later arrival gets a server of its own.
                    await using var fresh = await StartAsync(kind, $"{kind.Name}-{mode.ToString().ToLowerInvariant()}", redisPrefix: null);
                    await WarmUpAsync(fresh, kind.Protocol);
                    result.Memory.Add(await MeasureMemoryAsync(fresh, kind.Protocol, mode, result.Errors));
                }
            }

            await using (var clients = NewClients([server], kind.Protocol))
            {
                using var publisher = NewPublisher([server]);
                foreach (var count in options.Clients.Order())
                {
                    if (server.HasExited)
                    {
                        result.Errors.Add($"the server exited before the {count}-client phase");
                        break;
                    }

                    var point = await MeasureFanoutAsync(server, clients, publisher, count, result.Errors);
                    result.Fanout.Add(point);
                }

                result.Errors.AddRange(clients.Errors.Select(error => "client: " + error));
                await clients.CloseAllAsync();
            }

            if (options.AudienceClients > 0 && !server.HasExited)
            {
                if (server.Token is null)
                {
                    Log("   signed-in case skipped: this server has no sign-in");
                }
                else
                {
                    result.Audience = await MeasureAudienceAsync(server, result.Errors);
                }
            }

            if (options.SlowClients > 0 && !server.HasExited)
            {
                result.SlowConsumer = await MeasureSlowConsumerAsync(server, kind.Protocol, result.Errors);
            }
        }
        catch (Exception exception)
        {
            result.Errors.Add($"{exception.GetType().Name}: {exception.Message}");
            Log($"   failed: {exception.Message}");
        }

        result.LoadAfter = LoadAverage();
        return result;
    }

    public async Task<RedisResult> RunRedisAsync(ServerKind cleanSse)
    {
        var errors = new List<string>();
        var prefix = "cleansse-bench-" + Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()));
        Log($"== cleansse on Redis ({options.Redis}, prefix {prefix}), 2 instances  (load average {LoadAverage()})");
        var (ceiling, xaddOutput) = await RedisBenchmarkAsync(prefix, errors);
        PhaseResult? burst = null;
        PhaseResult? spaced = null;
        try
        {
            await using var first = await StartAsync(cleanSse, "cleansse-redis-a", prefix);
            await using var second = await StartAsync(cleanSse, "cleansse-redis-b", prefix);
            await WarmUpAsync(first, ClientProtocol.Sse);
            await WarmUpAsync(second, ClientProtocol.Sse);

            // Each instance has its own database, so its own staff account and token.
            await using var clients = NewClients([first, second], ClientProtocol.Sse);
            using var publisher = NewPublisher([first, second]);
            var connected = await clients.ConnectAsync(options.RedisClients, options.ConnectParallel, TimeSpan.FromSeconds(options.PhaseTimeoutSeconds));
            Log($"   {connected}/{options.RedisClients} connected over both instances");
            await Task.Delay(1000);
            burst = await MeasureAsync("burst", clients, [first, second], token => publisher.BurstAsync(options.Burst, options.Publishers, null, token));
            spaced = await MeasureAsync("spaced", clients, [first, second], token => publisher.SpacedAsync(options.Spaced, TimeSpan.FromMilliseconds(options.IntervalMs), null, token));
            errors.AddRange(clients.Errors.Select(error => "client: " + error));
        }
        catch (Exception exception)
        {
            errors.Add($"{exception.GetType().Name}: {exception.Message}");
            Log($"   failed: {exception.Message}");
        }
        finally
        {
            await DeleteRedisKeysAsync(prefix);
        }

        return new RedisResult(options.RedisClients, 2, ceiling, xaddOutput, burst, spaced, errors);
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    public static void Log(string line) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.Now:HH:mm:ss}] {line}"));

    private string Competitor(string name) =>
        Path.Combine(repositoryRoot, "bench", $"Competitors.{name}", "bin", configuration, "net10.0", $"CleanSse.Competitors.{name}.dll");

    /// <summary>
    /// The many-streams case: one instance with a cleartext HTTP/2 endpoint beside its HTTP/1.1 one, N idle streams
    /// multiplexed over it, then a burst of orders that must reach every stream exactly once.
    /// </summary>
    public async Task<ManyStreamsResult> RunManyStreamsAsync(ServerKind cleanSse)
    {
        Log($"== cleansse, {options.ManyStreams:N0} streams over HTTP/2  (load average {LoadAverage()})");
        var extra = new Dictionary<string, string>
        {
            ["Kestrel__Limits__Http2__MaxStreamsPerConnection"] = options.ManyStreamsPerConnection.ToString(CultureInfo.InvariantCulture),
        };
        await using var server = await StartAsync(cleanSse, "cleansse-many-streams", redisPrefix: null, extra, http2Endpoint: true);
        await WarmUpAsync(server, ClientProtocol.Sse);
        await Task.Delay(2000);
        var baseline = server.ResidentKiB();
        await using var streams = new ManyStreams(new Uri($"http://127.0.0.1:{server.Http2Port}"), server.Token, options.ManyStreamsPerConnection);
        var connecting = Stopwatch.StartNew();
        var connected = await streams.ConnectAsync(options.ManyStreams, options.ConnectParallel * 5, TimeSpan.FromSeconds(options.PhaseTimeoutSeconds * 2));
        var connectSeconds = connecting.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(options.MemoryEarlySeconds));
        var loaded = server.ResidentKiB();
        Log(string.Create(CultureInfo.InvariantCulture, $"   {connected:N0} streams open in {connectSeconds:F1} s; RSS {baseline / 1024.0:F1} -> {loaded / 1024.0:F1} MiB"));

        streams.ResetCounts();
        using var publisher = NewPublisher([server]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.PhaseTimeoutSeconds));
        var started = Stopwatch.GetTimestamp();
        var published = await publisher.BurstAsync(options.ManyStreamsOrders, 1, null, timeout.Token);
        var expected = (long)published.Accepted * connected;
        var waited = Stopwatch.StartNew();
        while (streams.Delivered < expected && waited.Elapsed < TimeSpan.FromSeconds(options.PhaseTimeoutSeconds))
        {
            await Task.Delay(100);
        }

        // Anything still arriving would be a duplicate: give it a moment to show.
        await Task.Delay(1000);
        var seconds = Stopwatch.GetElapsedTime(started, Math.Max(started, streams.LastReceiveTimestamp)).TotalSeconds;
        var latency = streams.Latency;
        var result = new ManyStreamsResult(
            options.ManyStreams, connected, streams.StreamsPerConnection, connectSeconds, baseline, loaded,
            options.ManyStreamsOrders, published.Accepted, expected, streams.Delivered, streams.Duplicates,
            streams.Incomplete(published.Accepted), seconds, latency.Percentile(0.50), latency.Percentile(0.99),
            latency.MaxMilliseconds, streams.Errors);
        Log("   " + ManyStreams.Describe(result));
        return result;
    }

    private Task<ServerProcess> StartAsync(ServerKind kind, string label, string? redisPrefix) =>
        StartAsync(kind, label, redisPrefix, extra: null, http2Endpoint: false);

    private async Task<ServerProcess> StartAsync(
        ServerKind kind, string label, string? redisPrefix, IReadOnlyDictionary<string, string>? extra, bool http2Endpoint)
    {
        if (!File.Exists(kind.Dll))
        {
            throw new FileNotFoundException($"Build it first (dotnet build -c {configuration}).", kind.Dll);
        }

        var work = Directory.CreateDirectory(Path.Combine(runDirectory, label)).FullName;
        var environment = new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (kind.IsCleanSse)
        {
            environment["ConnectionStrings__Orders"] = $"Data Source={Path.Combine(work, "orders.db")}";
            environment["Realtime__MaxConnections"] = "100000";
            environment["Realtime__MaxConnectionsPerAddress"] = "100000";
            // The bench posts from one user as fast as it can: the write limit would measure itself.
            environment["RateLimiting__Enabled"] = "false";
            environment["Serilog__MinimumLevel__Default"] = "Warning";
            environment["Auth__DemoStaff__Email"] = Accounts.StaffEmail;
            environment["Auth__DemoStaff__Password"] = Accounts.Password;
            if (redisPrefix is not null)
            {
                environment["ConnectionStrings__Redis"] = options.Redis;
                environment["Realtime__KeyPrefix"] = redisPrefix;
                environment["Realtime__History__MaxAge"] = "00:10:00";
            }
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var server = await ServerProcess.StartAsync(kind.Dll, work, Path.Combine(work, "server.log"), environment, StartTimeout, http2Endpoint);
        if (kind.IsCleanSse)
        {
            try
            {
                using var accounts = new Accounts(server.BaseAddress);
                using var timeout = new CancellationTokenSource(StartTimeout);
                server.Token = await accounts.StaffTokenAsync(timeout.Token);
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }

        Log($"   started {label} (pid {server.Id}) on {server.BaseAddress}{(server.Token is null ? ", no sign-in" : ", signed in as staff")}");
        return server;
    }

    private LoadClients NewClients(IReadOnlyList<ServerProcess> servers, ClientProtocol protocol) =>
        new([.. servers.Select(server => server.EndPoint)], protocol, options.SourceAddresses, [.. servers.Select(server => server.Token)]);

    private Publisher NewPublisher(IReadOnlyList<ServerProcess> servers) =>
        new([.. servers.Select(server => server.BaseAddress)], TimeSpan.FromSeconds(Math.Min(15, options.PhaseTimeoutSeconds)), [.. servers.Select(server => server.Token)]);

    private async Task WarmUpAsync(ServerProcess server, ClientProtocol protocol)
    {
        await using var clients = NewClients([server], protocol);
        using var publisher = NewPublisher([server]);
        await clients.ConnectAsync(20, 20, TimeSpan.FromSeconds(20));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await publisher.BurstAsync(100, options.Publishers, null, timeout.Token);
        await publisher.SpacedAsync(10, TimeSpan.FromMilliseconds(20), null, timeout.Token);
        await Task.Delay(500);
    }

    private async Task<MemoryResult> MeasureMemoryAsync(ServerProcess server, ClientProtocol protocol, ConnectMode mode, List<string> errors)
    {
        await Task.Delay(2000);
        var baseline = server.ResidentKiB();
        await using var clients = NewClients([server], protocol);
        var parallel = mode == ConnectMode.Storm ? options.MemoryClients : options.ConnectParallel;
        var connecting = Stopwatch.StartNew();
        var connected = await clients.ConnectAsync(options.MemoryClients, parallel, TimeSpan.FromSeconds(options.PhaseTimeoutSeconds));
        var connectSeconds = connecting.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(options.MemoryEarlySeconds));
        var early = server.ResidentKiB();
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, options.MemoryLateSeconds - options.MemoryEarlySeconds)));
        var late = server.ResidentKiB();
        var result = new MemoryResult(mode, options.MemoryClients, connected, connectSeconds, baseline, early, late);
        Log(string.Create(CultureInfo.InvariantCulture,
            $"   memory ({mode}): {connected}/{options.MemoryClients} idle in {connectSeconds:F1} s, RSS {baseline / 1024.0:F1} -> {early / 1024.0:F1} -> {late / 1024.0:F1} MiB, {result.BytesPerConnectionEarly / 1024:F2} / {result.BytesPerConnectionLate / 1024:F2} KiB per connection"));
        errors.AddRange(clients.Errors.Select(error => "memory client: " + error));
        await clients.CloseAllAsync();
        await Task.Delay(1000);
        return result;
    }

    private async Task<FanoutPoint> MeasureFanoutAsync(ServerProcess server, LoadClients clients, Publisher publisher, int count, List<string> errors)
    {
        var more = count - clients.Ready;
        if (more > 0)
        {
            await clients.ConnectAsync(more, options.ConnectParallel, TimeSpan.FromSeconds(options.PhaseTimeoutSeconds));
        }

        var connected = clients.Ready;
        if (connected < count)
        {
            errors.Add($"{count} clients wanted, {connected} connected");
        }

        await Task.Delay(1000);
        var burst = await MeasureAsync("burst", clients, [server], token => publisher.BurstAsync(options.Burst, options.Publishers, null, token));
        var spaced = await MeasureAsync("spaced", clients, [server], token => publisher.SpacedAsync(options.Spaced, TimeSpan.FromMilliseconds(options.IntervalMs), null, token));
        PhaseResult? parallel = null;
        if (options.ParallelPublishers > 1 && count == options.Clients.Min())
        {
            parallel = await MeasureAsync("burst-parallel", clients, [server], token => publisher.BurstAsync(options.Burst, options.ParallelPublishers, null, token));
        }

        return new FanoutPoint(count, connected, burst, spaced, parallel);
    }

    private async Task<SlowConsumerResult> MeasureSlowConsumerAsync(ServerProcess server, ClientProtocol protocol, List<string> errors)
    {
        await using var clients = NewClients([server], protocol);
        var timeout = TimeSpan.FromSeconds(options.PhaseTimeoutSeconds);
        await clients.ConnectAsync(options.SlowClients - 1, options.ConnectParallel, timeout);
        await clients.ConnectAsync(1, 1, timeout, stalled: true);
        await Task.Delay(1000);
        var before = server.ResidentKiB();
        var peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, server.ResidentKiB());
                await Task.Delay(200, sampling.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        });

        // Large orders (many items, a long note): what the stalled client is sent outgrows the kernel's socket buffers
        // (up to 4 MiB on loopback here) and a server's own bound within the case, so the case shows what each does then.
        var body = OrderBody.Large(options.SlowItems, 400);
        var phase = await MeasureAsync(
            "slow-consumer",
            clients,
            [server],
            token => publisher(token));
        await Task.Delay(1000);
        await sampling.CancelAsync();
        await sampler;
        var after = server.ResidentKiB();
        peak = Math.Max(peak, after);
        var cutOff = await clients.CountStalledClosedByServerAsync(TimeSpan.FromSeconds(3)) > 0;
        errors.AddRange(clients.Errors.Select(error => "slow-case client: " + error));
        Log(string.Create(CultureInfo.InvariantCulture,
            $"   slow consumer: RSS {before / 1024.0:F1} -> peak {peak / 1024.0:F1} -> {after / 1024.0:F1} MiB, stalled client cut off: {cutOff}"));
        return new SlowConsumerResult(options.SlowClients, phase, before, peak, after, cutOff);

        async Task<PublishResult> publisher(CancellationToken token)
        {
            using var posting = NewPublisher([server]);
            return await posting.SpacedAsync(options.SlowOrders, TimeSpan.FromSeconds(1.0 / options.SlowRate), body, token);
        }
    }

    /// <summary>
    /// Publishes, then waits until every connected client has every event, progress stops, or time runs out. With a
    /// <paramref name="ledger"/>, each stream is meant to have only the orders it may see (of those
    /// <paramref name="accepted"/>), and the phase goes on until nothing more arrives, so that whatever a stream should
    /// not have received is counted too.
    /// </summary>
    private async Task<PhaseResult> MeasureAsync(
        string name,
        LoadClients clients,
        IReadOnlyList<ServerProcess> servers,
        Func<CancellationToken, Task<PublishResult>> publish,
        AudienceLedger? ledger = null,
        bool[]? accepted = null)
    {
        var cpuBefore = servers.Sum(server => server.CpuSeconds());
        var benchCpuBefore = ServerProcess.ProcessCpuSeconds(Environment.ProcessId);
        var connected = clients.Ready;
        var droppedBefore = clients.ClosedByServer;
        var phase = new PhaseStats(Stopwatch.GetTimestamp(), ledger);
        clients.Phase = phase;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.PhaseTimeoutSeconds));
        var published = await publish(timeout.Token);
        var expected = ledger is null ? (long)connected * published.Sent : ledger.Expected(accepted ?? []);

        var lastCount = -1L;
        var lastProgress = Stopwatch.GetTimestamp();
        // Whatever a stream should not have had arrives mixed with what it should: once everything wanted is in, the
        // phase waits a second more for the rest.
        var settle = ledger is null ? TimeSpan.Zero : TimeSpan.FromSeconds(1);
        while (!timeout.IsCancellationRequested)
        {
            var complete = phase.Received >= expected;
            if (complete && settle == TimeSpan.Zero)
            {
                break;
            }

            await Task.Delay(20);
            var received = phase.Received + phase.Unwanted;
            if (received != lastCount)
            {
                lastCount = received;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > (complete ? settle : TimeSpan.FromSeconds(3)))
            {
                break;
            }
        }

        clients.Phase = PhaseStats.Idle;
        var serverCpu = servers.Sum(server => server.CpuSeconds()) - cpuBefore;
        var benchCpu = ServerProcess.ProcessCpuSeconds(Environment.ProcessId) - benchCpuBefore;
        var end = Math.Max(phase.LastReceiveTimestamp, phase.StartTimestamp + 1);
        var seconds = PhaseStats.Seconds(phase.StartTimestamp, end);
        var result = new PhaseResult(
            name,
            connected,
            published.Sent,
            published.Accepted,
            published.Failed,
            expected,
            phase.Received,
            seconds,
            phase.Received / seconds,
            phase.Latency.Percentile(0.50),
            phase.Latency.Percentile(0.99),
            phase.Latency.MaxMilliseconds,
            published.PostLatency.Percentile(0.99),
            published.Seconds,
            clients.ClosedByServer - droppedBefore,
            serverCpu,
            benchCpu,
            published.FirstError);
        Log(string.Create(CultureInfo.InvariantCulture,
            $"   {name,-13} {connected,6} clients: {result.Delivered}/{expected} in {seconds:F2} s = {result.EventsPerSecond,10:N0} ev/s, " +
            $"p50 {result.P50Ms:F1} p99 {result.P99Ms:F1} max {result.MaxMs:F1} ms, POST p99 {result.PostP99Ms:F1} ms, " +
            $"{published.Failed} POST failures, {result.ClientsDropped} dropped, server CPU {serverCpu:F1} s ({result.ServerCpuMicrosPerEvent:F2} µs/event), bench CPU {benchCpu:F1} s"));
        return result;
    }

    /// <summary>
    /// The signed-in case: registers the customers, opens each customer's streams with its token (and staff streams,
    /// if asked), has the customers place orders, and checks that every stream got its own orders once and no others.
    /// </summary>
    private async Task<AudienceResult> MeasureAudienceAsync(ServerProcess server, List<string> errors)
    {
        var customers = options.Customers;
        var timeout = TimeSpan.FromSeconds(options.PhaseTimeoutSeconds);
        Log($"   signed-in case: registering {customers:N0} customers, {options.SignUpParallel} at a time");
        var signUp = Stopwatch.StartNew();
        var tokens = new string[customers];
        using (var accounts = new Accounts(server.BaseAddress))
        {
            await Parallel.ForAsync(0, customers, new ParallelOptions { MaxDegreeOfParallelism = options.SignUpParallel }, async (customer, token) =>
                tokens[customer] = await accounts.CustomerTokenAsync(
                    string.Create(CultureInfo.InvariantCulture, $"bench-customer-{customer}@bench.invalid"), token));
        }

        signUp.Stop();
        Log(string.Create(CultureInfo.InvariantCulture, $"   {customers:N0} customers registered and signed in in {signUp.Elapsed.TotalSeconds:F1} s"));

        // Stream n belongs to customer n % customers: each customer's streams are spread over the connect order and
        // the source addresses, as independent browser tabs would be.
        var identities = new List<StreamIdentity>(options.AudienceClients + options.AudienceStaff);
        for (var stream = 0; stream < options.AudienceClients; stream++)
        {
            identities.Add(new StreamIdentity(tokens[stream % customers], stream % customers));
        }

        for (var stream = 0; stream < options.AudienceStaff; stream++)
        {
            identities.Add(new StreamIdentity(server.Token!, -1));
        }

        await using var clients = NewClients([server], ClientProtocol.Sse);
        var connected = await clients.ConnectAsync(identities.Count, options.ConnectParallel, timeout, identities: identities);
        Log($"   {connected:N0}/{identities.Count:N0} signed-in streams connected ({options.AudienceClients:N0} of customers, {options.AudienceStaff:N0} of staff)");
        if (connected < identities.Count)
        {
            errors.Add($"signed-in case: {identities.Count} streams wanted, {connected} connected");
        }

        await Task.Delay(1000);
        var orders = customers * options.OrdersPerCustomer;
        var ledger = new AudienceLedger([.. identities.Select(identity => identity.Customer)], customers, orders);
        var accepted = new bool[orders];
        using var publisher = NewPublisher([server]);
        var phase = await MeasureAsync(
            "signed-in",
            clients,
            [server],
            token => publisher.CustomerBurstAsync(tokens, orders, options.AudiencePublishers, accepted, token),
            ledger,
            accepted);
        var missing = ledger.StreamsMissing(accepted);
        var result = new AudienceResult(
            customers, options.AudienceClients, options.AudienceStaff, connected, signUp.Elapsed.TotalSeconds, phase,
            ledger.Foreign, ledger.Duplicates, missing, ledger.Examples);
        Log($"   signed-in checks: {result.Foreign:N0} deliveries of another customer's order, {result.Duplicates:N0} duplicates, {missing:N0} streams missing an order of theirs");
        foreach (var violation in result.Violations)
        {
            Log($"     {violation}");
        }

        errors.AddRange(clients.Errors.Select(error => "signed-in client: " + error));
        await clients.CloseAllAsync();
        await Task.Delay(1000);
        return result;
    }

    private static async Task<(double Ceiling, string? Output)> RedisBenchmarkAsync(string prefix, List<string> errors)
    {
        try
        {
            var start = new ProcessStartInfo("redis-benchmark")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                ArgumentList = { "-h", "127.0.0.1", "-p", "6379", "-n", "100000", "-q", "XADD", prefix + ":xadd", "*", "f", "v" },
            };
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var line = output.Split('\r', '\n').LastOrDefault(l => l.Contains("requests per second", StringComparison.Ordinal))?.Trim();
            Log($"   redis-benchmark: {line}");
            var number = line is null ? null : Regex.Match(line, @"([0-9.]+) requests per second", RegexOptions.CultureInvariant).Groups[1].Value;
            return (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN, line);
        }
        catch (Exception exception)
        {
            errors.Add($"redis-benchmark: {exception.Message}");
            return (double.NaN, null);
        }
    }

    private static async Task DeleteRedisKeysAsync(string prefix)
    {
        try
        {
            var scan = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in RedisCli.Concat(["--scan", "--pattern", prefix + ":*"]))
            {
                scan.ArgumentList.Add(argument);
            }

            using var scanning = Process.Start(scan)!;
            var keys = (await scanning.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            await scanning.WaitForExitAsync();
            foreach (var chunk in keys.Chunk(500))
            {
                var delete = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, UseShellExecute = false };
                foreach (var argument in RedisCli.Append("DEL").Concat(chunk))
                {
                    delete.ArgumentList.Add(argument);
                }

                using var deleting = Process.Start(delete)!;
                await deleting.StandardOutput.ReadToEndAsync();
                await deleting.WaitForExitAsync();
            }
        }
        catch (Exception exception)
        {
            Log($"   could not delete the bench's Redis keys ({prefix}:*): {exception.Message}");
        }
    }
}
