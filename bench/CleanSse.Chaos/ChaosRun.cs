using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using CleanSse.TestKit;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CleanSse.Chaos;

/// <summary>
/// One chaos run: it starts Redis, the store and two instances, runs writers and resuming clients, injects faults at
/// random for the run's duration, lets everything settle, and checks what the clients saw against what was stored.
/// </summary>
public sealed class ChaosRun : IAsyncDisposable
{
    private readonly ChaosOptions _options;
    private readonly TextWriter _log;
    private readonly Random _random;
    private readonly string _work;
    private readonly bool _ownsWork;
    private readonly ConcurrentDictionary<string, int> _faults = new(StringComparer.Ordinal);
    private readonly List<ServiceProcess> _instances = [];
    private readonly List<HttpClient> _instanceClients = [];
    private readonly List<StreamClient> _clients = [];
    private readonly List<Task> _restarts = [];
    private RedisServer? _redis;
    private PostgresServer? _postgres;
    private string _ordersConnectionString = string.Empty;

    private ChaosRun(ChaosOptions options, TextWriter log)
    {
        _options = options;
        _log = log;
        _random = new Random(options.Seed);
        _ownsWork = options.WorkDirectory is null;
        _work = options.WorkDirectory ?? Directory.CreateTempSubdirectory("cleansse-chaos-").FullName;
        Directory.CreateDirectory(_work);

        // The private PostgreSQL server runs as its own account and must reach its folder inside this one.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_work, (UnixFileMode)0b111_101_101);
        }
    }

    /// <summary>Runs the whole thing and returns what it found; the caller prints it and decides.</summary>
    public static async Task<ChaosReport> RunAsync(ChaosOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        await using var run = new ChaosRun(options, log);
        return await run.ExecuteAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        foreach (var http in _instanceClients)
        {
            http.Dispose();
        }

        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (_ownsWork)
        {
            try
            {
                Directory.Delete(_work, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A temporary folder; the system cleans it later.
            }
        }
    }

    private void Note(string line) => _log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");

    private async Task<ChaosReport> ExecuteAsync(CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        await StartEverythingAsync(cancellationToken);

        var ledger = new Ledger();
        using var stopClients = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopWriters = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = _clients.Select(client => Task.Run(() => client.RunAsync(stopClients.Token), CancellationToken.None)).ToList();
        var writing = Enumerable.Range(1, _options.Writers)
            .Select(number => new Writer(number, _instanceClients, ledger, new Random(_options.Seed + number)))
            .Select(writer => Task.Run(() => writer.RunAsync(stopWriters.Token), CancellationToken.None))
            .ToList();

        Note($"running {_options.Writers} writers and {_options.Clients} clients; faults for {_options.Duration.TotalSeconds:0} s");
        await InjectFaultsAsync(cancellationToken);

        Note("faults stopped; bringing everything back");
        await BringEverythingBackAsync(cancellationToken);
        await stopWriters.CancelAsync();
        await Task.WhenAll(writing);
        Note($"writers stopped: {ledger.Orders} orders, {ledger.Acknowledged} acknowledged changes, {ledger.Uncertain} unanswered requests");

        var truth = await SettleAsync(ledger, cancellationToken);
        await stopClients.CancelAsync();
        await Task.WhenAll(reading);

        var report = Check(ledger, truth.Stored, truth.OutboxPending, elapsed.Elapsed);
        if (!report.Passed)
        {
            // The tail of each instance's output, for a first look; ServiceProcess keeps the rest beside the build output.
            foreach (var instance in _instances)
            {
                Note(string.Join('\n', instance.Log().Split('\n').TakeLast(60)));
            }
        }

        return report;
    }

    private async Task StartEverythingAsync(CancellationToken cancellationToken)
    {
        _redis = await RedisServer.StartAsync(Path.Combine(_work, "redis"), cancellationToken);
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = _redis.ConnectionString,
            ["Realtime__KeyPrefix"] = "cleansse-chaos",
        };
        if (_options.Store == ChaosStore.Postgres)
        {
            _postgres = await PostgresServer.StartAsync(_work, cancellationToken);
            _ordersConnectionString = _postgres.ConnectionString;
            environment["Database__Provider"] = "Postgres";
            Note($"store: {_postgres.Description}");
        }
        else
        {
            _ordersConnectionString = $"Data Source={Path.Combine(_work, "orders.db")}";
            environment["Database__Provider"] = "Sqlite";
            Note("store: one SQLite file shared by both instances");
        }

        environment["ConnectionStrings__Orders"] = _ordersConnectionString;
        Note($"redis-server on {_redis.ConnectionString}");

        // One after the other: the first one creates the database, the second finds it made.
        foreach (var name in new[] { "chaos-a", "chaos-b" })
        {
            var instance = new ServiceProcess(name, environment);
            _instances.Add(instance);

            // A loaded machine can take longer than the start timeout; try again as after a kill.
            await StartUntilUpAsync(instance);
            Note($"{name} on {instance.BaseAddress}");
        }

        var token = _instances[0].Clients.AccessToken!;
        foreach (var instance in _instances)
        {
            var http = new HttpClient { BaseAddress = instance.BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            _instanceClients.Add(http);
        }

        for (var i = 0; i < _options.Clients; i++)
        {
            var proxy = CuttingProxy.Start(_instances[i % _instances.Count]);
            _clients.Add(new StreamClient(i + 1, proxy, () => _instanceClients[Random.Shared.Next(_instanceClients.Count)], token));
        }
    }

    private async Task InjectFaultsAsync(CancellationToken cancellationToken)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < _options.Duration)
        {
            var pause = TimeSpan.FromMilliseconds(_options.FaultInterval.TotalMilliseconds * (0.5 + _random.NextDouble()));
            var left = _options.Duration - until.Elapsed;
            await Task.Delay(pause < left ? pause : left, cancellationToken);
            if (until.Elapsed >= _options.Duration)
            {
                break;
            }

            var roll = _random.NextDouble();
            try
            {
                if (roll < 0.2)
                {
                    KillInstance();
                }
                else if (roll < 0.4)
                {
                    await KillRedisAsync(cancellationToken);
                }
                else if (roll < 0.55)
                {
                    await KillRedisClientsAsync(cancellationToken);
                }
                else if (roll < 0.65 && _postgres is { CanRestart: true })
                {
                    await RestartPostgresAsync(cancellationToken);
                }
                else
                {
                    await CutProxyAsync(cancellationToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Note($"fault injection failed: {exception.Message}");
                Count("injection-failed");
            }
        }
    }

    private void Count(string fault) => _faults.AddOrUpdate(fault, 1, (_, count) => count + 1);

    private void KillInstance()
    {
        lock (_restarts)
        {
            _restarts.RemoveAll(restart => restart.IsCompleted);
            if (_restarts.Count > 0)
            {
                // One instance down at a time: the other carries the traffic meanwhile.
                return;
            }
        }

        var index = _random.Next(_instances.Count);
        var victim = _instances[index];
        var survivor = _instances[1 - index];
        var downFor = TimeSpan.FromMilliseconds(500 + _random.Next(2500));
        Count("instance-sigkill");
        Note($"SIGKILL {victim.Name}; back in {downFor.TotalSeconds:0.0} s");
        var restart = Task.Run(async () =>
        {
            await victim.KillAsync();

            // As a balancer would, new stream connections go to the instance still up.
            foreach (var client in _clients)
            {
                client.Proxy.SwitchTo(survivor);
            }

            await Task.Delay(downFor);
            await StartUntilUpAsync(victim);

            // Its own clients' new streams go home again (the open ones stay where they are).
            for (var i = index; i < _clients.Count; i += _instances.Count)
            {
                _clients[i].Proxy.SwitchTo(victim);
            }
        });
        lock (_restarts)
        {
            _restarts.Add(restart);
        }
    }

    private async Task StartUntilUpAsync(ServiceProcess instance)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await instance.StartAsync();
                Note($"{instance.Name} is back");
                return;
            }
            catch (Exception exception) when (attempt < 5 && exception is InvalidOperationException or TimeoutException or HttpRequestException)
            {
                Note($"{instance.Name} did not start (attempt {attempt}): {exception.Message.Split('\n')[0]}");
                await instance.KillAsync();
            }
        }
    }

    private async Task KillRedisAsync(CancellationToken cancellationToken)
    {
        var keepData = _options.Persistence switch
        {
            RedisPersistence.Aof => true,
            RedisPersistence.None => false,
            _ => _random.NextDouble() < 0.5,
        };
        var downFor = TimeSpan.FromMilliseconds(300 + _random.Next(3000));
        Count(keepData ? "redis-sigkill-aof" : "redis-sigkill-empty");
        Note($"SIGKILL redis-server ({(keepData ? "restarts with its append-only file" : "restarts empty")}); back in {downFor.TotalSeconds:0.0} s");
        await _redis!.KillAsync(keepData);
        await Task.Delay(downFor, cancellationToken);
        await _redis.StartAgainAsync(cancellationToken);
    }

    private async Task KillRedisClientsAsync(CancellationToken cancellationToken)
    {
        Count("redis-client-kill");
        var reply = await _redis!.KillClientsAsync(cancellationToken);
        Note($"CLIENT KILL TYPE normal: {reply ?? "no answer"}");
    }

    private async Task RestartPostgresAsync(CancellationToken cancellationToken)
    {
        Count("postgres-restart");
        var away = await _postgres!.RestartAsync(cancellationToken);
        Note($"PostgreSQL restarted (immediate stop), away {away.TotalSeconds:0.0} s");
    }

    private async Task CutProxyAsync(CancellationToken cancellationToken)
    {
        var client = _clients[_random.Next(_clients.Count)];
        var refuseFor = TimeSpan.FromMilliseconds(100 + _random.Next(1400));
        Count("proxy-cut");
        var cut = client.Proxy.CutAndRefuse();
        Note($"cut client {client.Number}'s {cut} connections; refusing for {refuseFor.TotalSeconds:0.0} s");
        await Task.Delay(refuseFor, cancellationToken);
        client.Proxy.Resume();
    }

    private async Task BringEverythingBackAsync(CancellationToken cancellationToken)
    {
        Task[] restarts;
        lock (_restarts)
        {
            restarts = [.. _restarts];
        }

        await Task.WhenAll(restarts);
        await _redis!.StartAgainAsync(cancellationToken);
        foreach (var instance in _instances.Where(instance => !instance.IsRunning))
        {
            await StartUntilUpAsync(instance);
        }

        for (var i = 0; i < _clients.Count; i++)
        {
            _clients[i].Proxy.SwitchTo(_instances[i % _instances.Count]);
            _clients[i].Proxy.Resume();
        }
    }

    /// <summary>
    /// Waits until the outbox is drained and every client knows every stored order's last status (or the settle time
    /// is up), and returns what the database holds.
    /// </summary>
    private async Task<(IReadOnlyDictionary<string, string> Stored, long OutboxPending)> SettleAsync(Ledger ledger, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var stored = await StoredOrdersAsync(cancellationToken);
            var pending = await OutboxPendingAsync(cancellationToken);
            var histories = Histories(ledger.Snapshot(), stored);
            var behind = _clients.Sum(client => histories.Count(order => client.StatusOf(order.Key, order.Value) != order.Value[^1]));
            if ((pending == 0 && behind == 0) || waited.Elapsed > _options.SettleTimeout)
            {
                Note($"settled after {waited.Elapsed.TotalSeconds:0.0} s: {stored.Count} orders stored, {pending} outbox rows waiting, {behind} order states behind on clients");
                return (stored, pending);
            }

            await Task.Delay(1000, cancellationToken);
        }
    }

    /// <summary>Every stored order's history: the ledger's, or just its creation for an order whose POST went unanswered.</summary>
    private static Dictionary<string, IReadOnlyList<string>> Histories(
        IReadOnlyDictionary<string, IReadOnlyList<string>> ledger, IReadOnlyDictionary<string, string> stored) =>
        stored.ToDictionary(
            order => order.Key,
            order => ledger.TryGetValue(order.Key, out var history) ? history : (IReadOnlyList<string>)["new"],
            StringComparer.OrdinalIgnoreCase);

    private ChaosReport Check(Ledger ledger, IReadOnlyDictionary<string, string> stored, long outboxPending, TimeSpan elapsed)
    {
        var problems = new List<string>();
        var known = ledger.Snapshot();
        var notStored = 0;
        foreach (var (orderId, history) in known)
        {
            if (!stored.TryGetValue(orderId, out var status) || status != history[^1])
            {
                notStored++;
                problems.Add($"order {orderId}: acknowledged {string.Join(" > ", history)}, stored {status ?? "nothing"}");
            }
        }

        var histories = Histories(known, stored);
        var counts = new List<ClientCounts>();
        foreach (var client in _clients)
        {
            int lost = 0, duplicates = 0, reordered = 0, recovered = 0;
            foreach (var orderId in client.OrdersReceived().Where(orderId => !histories.ContainsKey(orderId)))
            {
                reordered++;
                problems.Add($"client {client.Number}: events for order {orderId}, which is not stored");
            }

            foreach (var (orderId, history) in histories)
            {
                var received = client.ReceivedFor(orderId);
                var seen = new HashSet<(int Index, int Epoch)>();
                var seenAtAll = new HashSet<int>();
                var last = (Index: -1, Epoch: -1);
                foreach (var (status, epoch) in received)
                {
                    var index = StreamClient.IndexOf(history, status);
                    if (index < 0)
                    {
                        reordered++;
                        problems.Add($"client {client.Number}: order {orderId} arrived as {status}, never one of its states ({string.Join(" > ", history)})");
                        continue;
                    }

                    if (!seen.Add((index, epoch)))
                    {
                        duplicates++;
                        problems.Add($"client {client.Number}: order {orderId} {status} arrived twice ({Describe(received)})");
                    }
                    else if (epoch == last.Epoch && index < last.Index)
                    {
                        reordered++;
                        problems.Add($"client {client.Number}: order {orderId} {status} arrived after {history[last.Index]} ({Describe(received)})");
                    }

                    seenAtAll.Add(index);
                    if (epoch != last.Epoch || index > last.Index)
                    {
                        last = (index, epoch);
                    }
                }

                var reloaded = client.ReloadedIndex(orderId, history);
                for (var index = 0; index < history.Count; index++)
                {
                    if (seenAtAll.Contains(index))
                    {
                        continue;
                    }

                    if (reloaded >= index)
                    {
                        recovered++;
                    }
                    else
                    {
                        lost++;
                        problems.Add($"client {client.Number}: order {orderId} never showed {history[index]} (received {Describe(received)}, reloaded {(reloaded >= 0 ? history[reloaded] : "nothing")})");
                    }
                }
            }

            counts.Add(new ClientCounts(client.Number, client.Connections, client.Events, client.Resets, client.IncrementalReloads, client.StartLoads, lost, duplicates, reordered, recovered));
        }

        return new ChaosReport(
            _options,
            _postgres is null ? "sqlite" : $"postgres ({_postgres.Description})",
            elapsed,
            stored.Count,
            ledger.Acknowledged,
            ledger.Uncertain,
            notStored,
            outboxPending,
            new Dictionary<string, int>(_faults, StringComparer.Ordinal),
            counts,
            problems);
    }

    private static string Describe(IReadOnlyList<Received> received) =>
        received.Count == 0 ? "no events" : string.Join(", ", received.Select(item => $"{item.Status}@{item.Epoch}"));

    private async Task<IReadOnlyDictionary<string, string>> StoredOrdersAsync(CancellationToken cancellationToken)
    {
        var orders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        await using var connection = OpenDatabase();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "Id", "Status" FROM "Orders" """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            orders[reader.GetString(0)] = reader.GetString(1).ToLowerInvariant();
        }

        return orders;
    }

    private async Task<long> OutboxPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = OpenDatabase();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT COUNT(*) FROM "OutboxMessages" WHERE "DispatchedAt" IS NULL""";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private System.Data.Common.DbConnection OpenDatabase() => _postgres is null
        ? new SqliteConnection(_ordersConnectionString + ";Default Timeout=30")
        : new NpgsqlConnection(_ordersConnectionString);
}
