using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace CleanSse.Infrastructure.Persistence.Writing;

/// <summary>What the group-commit writer and its prepared inserts do differently on each database.</summary>
internal abstract class WriterDialect
{
    /// <summary>
    /// Whether a request's own EF Core writes (an update, a delete, the outbox mark) join the group's transaction too.
    /// On a database that locks rows rather than the whole file, they run on the request's own connection instead:
    /// in a shared transaction, two instances updating the same rows in opposite order could deadlock.
    /// </summary>
    public abstract bool GroupsContextWrites { get; }

    /// <summary>
    /// Whether a group of inserts goes to the database as one batch. Over a network connection each statement is a
    /// round trip the writer waits for; SQLite runs in the process and gains nothing from it.
    /// </summary>
    public abstract bool BatchesInserts { get; }

    /// <summary>Where the statement's parameter at <paramref name="index"/> (from 0) goes in its text.</summary>
    public abstract string Placeholder(int index);

    /// <summary>The name of the parameter at <paramref name="index"/>: empty where parameters go by position.</summary>
    public abstract string ParameterName(int index);

    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    public abstract ValueTask<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Whether the savepoint statements can be prepared like any other.</summary>
    public abstract bool PreparesSavepoints { get; }

    /// <summary>A command that only makes parameters the way the provider's type mappings make them.</summary>
    public abstract DbCommand CreateParameterFactory();

    /// <summary>A JSON document for a column holding an owned type, typed as the column is.</summary>
    public abstract DbParameter CreateJsonParameter(string name, string? json);

    public static WriterDialect Sqlite(string connectionString) => new SqliteDialect(connectionString);

    public static WriterDialect Postgres(string connectionString) => new PostgresDialect(connectionString);

    private sealed class SqliteDialect(string connectionString) : WriterDialect
    {
        public override bool GroupsContextWrites => true;

        public override bool BatchesInserts => false;

        public override string Placeholder(int index) => ParameterName(index);

        public override string ParameterName(int index) => string.Create(CultureInfo.InvariantCulture, $"$p{index}");

        public override bool PreparesSavepoints => true;

        public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
        {
            var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            // Other processes (another instance on the same file) and the rare writes that do not pass through the
            // writer (accounts, keys) can still hold the lock for a moment.
            command.CommandText = SqliteBusyTimeoutInterceptor.SetBusyTimeout;
            await command.ExecuteNonQueryAsync(cancellationToken);
            // Each write's savepoint keeps a statement journal, a temporary file by default: one created, written and
            // deleted in the temporary folder (on disk, not beside the database) for every group.
            command.CommandText = "PRAGMA temp_store = MEMORY;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }

        // IMMEDIATE: the write lock is taken at the start, so no statement of the group can fail for lack of it.
        public override ValueTask<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken) =>
            ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

        public override DbCommand CreateParameterFactory() => new SqliteCommand();

        public override DbParameter CreateJsonParameter(string name, string? json) =>
            new SqliteParameter(name, SqliteType.Text) { Value = (object?)json ?? DBNull.Value };
    }

    private sealed class PostgresDialect(string connectionString) : WriterDialect
    {
        public override bool GroupsContextWrites => false;

        public override bool BatchesInserts => true;

        // Positional ($1, $2...) and unnamed: Npgsql then sends each statement as it is, where a named parameter made
        // it parse the statement's text again on every execution to rewrite the names into positions.
        public override string Placeholder(int index) => string.Create(CultureInfo.InvariantCulture, $"${index + 1}");

        public override string ParameterName(int index) => string.Empty;

        // Npgsql sends transaction control as plain queries; only the inserts are prepared.
        public override bool PreparesSavepoints => false;

        public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            return connection;
        }

        public override async ValueTask<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken) =>
            await ((NpgsqlConnection)connection).BeginTransactionAsync(cancellationToken);

        public override DbCommand CreateParameterFactory() => new NpgsqlCommand();

        // EF Core's PostgreSQL provider keeps owned types mapped to JSON in jsonb columns.
        public override DbParameter CreateJsonParameter(string name, string? json) =>
            new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = (object?)json ?? DBNull.Value };
    }
}
