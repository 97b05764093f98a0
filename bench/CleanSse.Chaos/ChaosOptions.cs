using System.Globalization;

namespace CleanSse.Chaos;

/// <summary>Where the orders are stored during a chaos run.</summary>
public enum ChaosStore
{
    Sqlite,
    Postgres,
}

/// <summary>What a killed Redis comes back with: its append-only file, nothing, or either at random.</summary>
public enum RedisPersistence
{
    Aof,
    None,
    Mixed,
}

/// <summary>How long and against what a chaos run goes; the defaults are those of the command line.</summary>
public sealed record ChaosOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(1);

    public ChaosStore Store { get; init; } = ChaosStore.Sqlite;

    public RedisPersistence Persistence { get; init; } = RedisPersistence.Mixed;

    public int Writers { get; init; } = 4;

    public int Clients { get; init; } = 3;

    /// <summary>Mean pause between two injected faults.</summary>
    public TimeSpan FaultInterval { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How long, after the faults stop, clients and the outbox get to catch up before the checks.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public int Seed { get; init; } = Environment.TickCount;

    /// <summary>Where the databases, logs and Redis files of the run go; a new temporary folder when null.</summary>
    public string? WorkDirectory { get; init; }

    public static string Usage =>
        """
        dotnet run -c Release --project bench/CleanSse.Chaos -- [options]
          --minutes N                        how long faults are injected (default 1; fractions allowed)
          --store sqlite|postgres            one SQLite file shared by both instances, or a fresh PostgreSQL database
          --redis-persistence aof|none|mixed what a killed Redis restarts with (default mixed)
          --writers N --clients N            writers and resuming stream clients (default 4 and 3)
          --seed N                           repeats the same choice of faults
        PostgreSQL: a private server (initdb) that the run restarts, or CLEANSSE_TEST_POSTGRES without restarts when
        initdb is not available.
        """;

    public static ChaosOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new ChaosOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--minutes" => options with { Duration = TimeSpan.FromMinutes(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--store" => options with { Store = Enum.Parse<ChaosStore>(Value(), ignoreCase: true) },
                "--redis-persistence" => options with { Persistence = Enum.Parse<RedisPersistence>(Value(), ignoreCase: true) },
                "--writers" => options with { Writers = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--clients" => options with { Clients = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--seed" => options with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--work" => options with { WorkDirectory = Value() },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        return options;
    }
}
