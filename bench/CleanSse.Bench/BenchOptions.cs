using System.Globalization;

namespace CleanSse.Bench;

/// <summary>Command-line settings; every default is sized so a full run takes minutes on two cores.</summary>
public sealed class BenchOptions
{
    public IReadOnlyList<int> Clients { get; private set; } = [1_000, 5_000, 10_000];

    public IReadOnlyList<string> Servers { get; private set; } = ["naive", "builtin", "signalr", "cleansse"];

    /// <summary>Orders in each burst, posted as fast as <see cref="Publishers"/> parallel callers can.</summary>
    public int Burst { get; private set; } = 40;

    public int Publishers { get; private set; } = 1;

    /// <summary>Parallel POSTers of one more burst, at the smallest client count: what concurrent writers do (1 skips it).</summary>
    public int ParallelPublishers { get; private set; } = 4;

    /// <summary>Single orders sent on a fixed schedule, <see cref="IntervalMs"/> apart.</summary>
    public int Spaced { get; private set; } = 20;

    public int IntervalMs { get; private set; } = 100;

    /// <summary>Idle connections for the memory figure (0 skips it).</summary>
    public int MemoryClients { get; private set; } = 10_000;

    /// <summary>How the idle clients of the memory figure arrive: paced, all at once, or both (one after the other).</summary>
    public IReadOnlyList<ConnectMode> MemoryModes { get; private set; } = [ConnectMode.Paced, ConnectMode.Storm];

    /// <summary>Seconds after the last idle client connected at which memory is read: early and late.</summary>
    public int MemoryEarlySeconds { get; private set; } = 3;

    public int MemoryLateSeconds { get; private set; } = 30;

    /// <summary>Clients of the slow-consumer case, one of them stalled (0 skips it).</summary>
    public int SlowClients { get; private set; } = 1_000;

    public int SlowOrders { get; private set; } = 1_500;

    public int SlowRate { get; private set; } = 125;

    /// <summary>Items in each order of the slow-consumer case (1..50).</summary>
    public int SlowItems { get; private set; } = 40;

    /// <summary>Clients of the Redis case, split over two instances (0 skips it).</summary>
    public int RedisClients { get; private set; } = 1_000;

    public string Redis { get; private set; } = "127.0.0.1:6379";

    /// <summary>Customer streams of the signed-in case, split evenly over <see cref="Customers"/> (0 skips it).</summary>
    public int AudienceClients { get; private set; }

    public int Customers { get; private set; } = 1_000;

    /// <summary>Staff streams beside the customers' in the signed-in case; each gets every order.</summary>
    public int AudienceStaff { get; private set; }

    /// <summary>Orders each customer places in the signed-in case's burst.</summary>
    public int OrdersPerCustomer { get; private set; } = 1;

    /// <summary>Customers posting at once in the signed-in case (each order with its customer's token).</summary>
    public int AudiencePublishers { get; private set; } = 4;

    /// <summary>Customers registered and signed in at once: each costs the server a password hash or two.</summary>
    public int SignUpParallel { get; private set; } = 4;

    /// <summary>Source addresses 127.0.0.2 .. 127.0.0.(1+N) the clients bind to.</summary>
    public int SourceAddresses { get; private set; } = 16;

    public int ConnectParallel { get; private set; } = 200;

    /// <summary>Idle streams of the many-streams case, over cleartext HTTP/2 (0 skips it).</summary>
    public int ManyStreams { get; private set; }

    public int ManyStreamsPerConnection { get; private set; } = 1_000;

    /// <summary>Orders in the many-streams case's burst, each to reach every stream exactly once.</summary>
    public int ManyStreamsOrders { get; private set; } = 10;

    public int PhaseTimeoutSeconds { get; private set; } = 90;

    public string Output { get; private set; } = Path.Combine("artifacts", "bench");

    /// <summary>
    /// Another build of CleanSse.Api.dll (an earlier commit) run as server <c>baseline</c>, so a change is compared with
    /// what it replaces in the same run, on the same machine state.
    /// </summary>
    public string? Baseline { get; private set; }

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                throw new ArgumentException(Usage);
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value.\n{Usage}");
            }

            var value = args[++i];
            switch (name)
            {
                case "--clients": options.Clients = [.. value.Split(',').Select(Int)]; break;
                case "--servers": options.Servers = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim().ToLowerInvariant())]; break;
                case "--burst": options.Burst = Int(value); break;
                case "--publishers": options.Publishers = Int(value); break;
                case "--parallel-publishers": options.ParallelPublishers = Int(value); break;
                case "--spaced": options.Spaced = Int(value); break;
                case "--interval-ms": options.IntervalMs = Int(value); break;
                case "--memory-clients": options.MemoryClients = Int(value); break;
                case "--memory-modes": options.MemoryModes = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(mode => Enum.Parse<ConnectMode>(mode, ignoreCase: true))]; break;
                case "--memory-early": options.MemoryEarlySeconds = Int(value); break;
                case "--memory-late": options.MemoryLateSeconds = Int(value); break;
                case "--slow-clients": options.SlowClients = Int(value); break;
                case "--slow-orders": options.SlowOrders = Int(value); break;
                case "--slow-rate": options.SlowRate = Int(value); break;
                case "--slow-items": options.SlowItems = Int(value); break;
                case "--redis-clients": options.RedisClients = Int(value); break;
                case "--redis": options.Redis = value; break;
                case "--audience-clients": options.AudienceClients = Int(value); break;
                case "--customers": options.Customers = Int(value); break;
                case "--audience-staff": options.AudienceStaff = Int(value); break;
                case "--orders-per-customer": options.OrdersPerCustomer = Int(value); break;
                case "--audience-publishers": options.AudiencePublishers = Int(value); break;
                case "--signup-parallel": options.SignUpParallel = Int(value); break;
                case "--source-addresses": options.SourceAddresses = Int(value); break;
                case "--connect-parallel": options.ConnectParallel = Int(value); break;
                case "--many-streams": options.ManyStreams = Int(value); break;
                case "--many-streams-per-connection": options.ManyStreamsPerConnection = Int(value); break;
                case "--many-streams-orders": options.ManyStreamsOrders = Int(value); break;
                case "--phase-timeout": options.PhaseTimeoutSeconds = Int(value); break;
                case "--out": options.Output = value; break;
                case "--baseline": options.Baseline = Path.GetFullPath(value); break;
                default: throw new ArgumentException($"Unknown option {name}.\n{Usage}");
            }
        }

        if (options.AudienceClients > 0 && (options.Customers < 1 || options.AudienceClients % options.Customers != 0))
        {
            throw new ArgumentException($"--audience-clients must be a multiple of --customers.\n{Usage}");
        }

        return options;
    }

    public const string Usage = """
        dotnet run -c Release --project bench/CleanSse.Bench -- [options]
          --clients 1000,5000,10000     fan-out client counts
          --servers naive,builtin,signalr,cleansse
          --burst 40 --publishers 1     orders per burst, POSTers posting them back to back
          --parallel-publishers 4       one more burst at the smallest client count, with parallel POSTers (1: skip)
          --spaced 20 --interval-ms 100 spaced single orders
          --memory-clients 10000        idle connections for the memory figure (0: skip)
          --slow-clients 1000 --slow-orders 1500 --slow-rate 125 --slow-items 40   slow-consumer case (0: skip)
          --redis-clients 1000 --redis 127.0.0.1:6379               Redis case, two instances (0: skip)
          --audience-clients 0 --customers 1000 --audience-staff 0  signed-in case: customer streams over that many
                                        customers, plus staff streams (servers with sign-in only; 0: skip)
          --orders-per-customer 1 --audience-publishers 4 --signup-parallel 4
          --memory-modes paced,storm --memory-early 3 --memory-late 30   how idle clients arrive (storm: all at
                                        once), and when memory is read after the last one connected
          --many-streams 0 --many-streams-per-connection 1000 --many-streams-orders 10   idle streams on one
                                        instance over cleartext HTTP/2, then a burst each must get exactly once (0: skip)
          --source-addresses 16 --connect-parallel 200 --phase-timeout 90
          --out artifacts/bench         results.json, results.md, fanout.svg
          --baseline PATH               an earlier build's CleanSse.Api.dll, run as server 'baseline' (add it to --servers)
        """;

    private static int Int(string value) => int.Parse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
}
