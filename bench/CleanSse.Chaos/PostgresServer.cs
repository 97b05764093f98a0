using System.Diagnostics;
using System.Globalization;
using CleanSse.TestKit;
using Npgsql;

namespace CleanSse.Chaos;

/// <summary>
/// The PostgreSQL of a chaos run: a private server (initdb in the run's folder, its own port) that the run may restart
/// without disturbing anyone else's databases, or, when initdb is not installed, a fresh database on the server named by
/// <c>CLEANSSE_TEST_POSTGRES</c>, which the run does not restart.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string DatabaseName = "cleansse_chaos";

    private readonly string? _bin;
    private readonly string? _dataDirectory;
    private readonly string? _adminConnectionString;

    private PostgresServer(string connectionString, string? bin, string? dataDirectory, string? adminConnectionString)
    {
        ConnectionString = connectionString;
        _bin = bin;
        _dataDirectory = dataDirectory;
        _adminConnectionString = adminConnectionString;
    }

    /// <summary>The orders database, as <c>ConnectionStrings:Orders</c> takes it.</summary>
    public string ConnectionString { get; }

    /// <summary>Whether the run may restart this server.</summary>
    public bool CanRestart => _bin is not null;

    /// <summary>Says which server the run uses and whether it restarts it.</summary>
    public string Description => CanRestart
        ? "a private PostgreSQL server, restarted by the run"
        : "a database on CLEANSSE_TEST_POSTGRES; no PostgreSQL restarts (initdb is not installed)";

    public static async Task<PostgresServer> StartAsync(string directory, CancellationToken cancellationToken)
    {
        var bin = FindBin();
        if (bin is null)
        {
            var admin = Environment.GetEnvironmentVariable(TestResources.PostgresVariable)
                ?? throw new InvalidOperationException($"Neither initdb nor {TestResources.PostgresVariable} is available for --store postgres.");
            var name = $"{DatabaseName}_{Guid.NewGuid():N}"[..40];
            await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"", cancellationToken);
            var shared = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            return new PostgresServer(shared, null, null, admin);
        }

        var data = Path.Combine(directory, "postgres");
        Directory.CreateDirectory(data);
        var port = LoopbackPorts.Free();
        var server = new PostgresServer(
            string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={port};Username=postgres;Password=postgres;Database={DatabaseName}"),
            bin,
            data,
            null);
        await server.InitializeAsync(port, cancellationToken);
        return server;
    }

    /// <summary>An immediate stop (a crash: no checkpoint, clients cut) and a start; returns how long it was away.</summary>
    public async Task<TimeSpan> RestartAsync(CancellationToken cancellationToken)
    {
        if (!CanRestart)
        {
            return TimeSpan.Zero;
        }

        var away = Stopwatch.StartNew();
        await PgCtlAsync(["stop", "-m", "immediate", "-w"], cancellationToken);
        await PgCtlAsync(["start", "-w", "-l", Path.Combine(_dataDirectory!, "server.log")], cancellationToken);
        return away.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (CanRestart)
        {
            await PgCtlAsync(["stop", "-m", "immediate", "-w"], CancellationToken.None);
        }
        else
        {
            await ExecuteAsync(_adminConnectionString!, $"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(ConnectionString).Database}\" WITH (FORCE)", CancellationToken.None);
        }
    }

    private static string? FindBin()
    {
        var root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.EnumerateDirectories(root)
            .Select(version => Path.Combine(version, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
            .OrderByDescending(bin => bin, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private async Task InitializeAsync(int port, CancellationToken cancellationToken)
    {
        // PostgreSQL refuses to run as root: the server then belongs to the postgres account.
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _dataDirectory!], asPostgres: false, cancellationToken);
        }

        var password = Path.Combine(_dataDirectory!, "..", "pgpass");
        await File.WriteAllTextAsync(password, "postgres\n", cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(password, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        await RunAsync(
            Path.Combine(_bin!, "initdb"),
            ["-D", _dataDirectory!, "-U", "postgres", "--auth=md5", $"--pwfile={Path.GetFullPath(password)}", "--no-sync"],
            asPostgres: true,
            cancellationToken);
        await File.AppendAllTextAsync(
            Path.Combine(_dataDirectory!, "postgresql.conf"),
            string.Create(CultureInfo.InvariantCulture, $"\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{_dataDirectory}'\nmax_connections = 200\n"),
            cancellationToken);
        await PgCtlAsync(["start", "-w", "-l", Path.Combine(_dataDirectory!, "server.log")], cancellationToken);
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres" }.ConnectionString;
        await ExecuteAsync(admin, $"CREATE DATABASE \"{DatabaseName}\"", cancellationToken);
    }

    private Task PgCtlAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(Path.Combine(_bin!, "pg_ctl"), ["-D", _dataDirectory!, .. arguments], asPostgres: true, cancellationToken);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var start = asPostgres && Environment.UserName == "root"
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", program, .. arguments])
            : new ProcessStartInfo(program, arguments);
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = "/tmp";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await errors}");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
