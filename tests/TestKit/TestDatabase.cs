using System.Security.Cryptography;
using Npgsql;

namespace CleanSse.TestKit;

/// <summary>A PostgreSQL database of one test (<c>cleansse_test_{random}</c>), dropped when the test ends.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private TestDatabase(string adminConnectionString, string name)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>The Npgsql connection string of this database, as <c>ConnectionStrings:Orders</c> takes it.</summary>
    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(CancellationToken cancellationToken)
    {
        var admin = await TestResources.RequirePostgresAsync(cancellationToken);
        var name = "cleansse_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return new TestDatabase(admin, name);
    }

    /// <summary>Runs a query on this database and returns its first column of its first row.</summary>
    public async Task<T?> ScalarAsync<T>(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>
    /// The outbox row of an order's event of <paramref name="type"/> (stored name, such as <c>order-created</c>): the
    /// event's id, whether it still waits, and how many publications of it failed.
    /// </summary>
    public async Task<OutboxRow?> OutboxRowAsync(string orderId, string type, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT "EventId", "DispatchedAt" IS NULL, "Attempts" FROM "OutboxMessages"
            WHERE "Type" = @type AND "Payload"::jsonb ->> 'id' = @orderId
            """,
            connection);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("orderId", orderId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var row = new OutboxRow(reader.GetGuid(0), reader.GetBoolean(1), reader.GetInt32(2));
        (await reader.ReadAsync(cancellationToken)).ShouldBeFalse($"one {type} row for order {orderId}");
        return row;
    }

    public async ValueTask DisposeAsync()
    {
        // The app's pooled connections would otherwise keep the database in use.
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>An outbox row as the tests look at it; <see cref="StreamKey"/> is what the event log de-duplicates by.</summary>
public readonly record struct OutboxRow(Guid EventId, bool Pending, int Attempts)
{
    public string StreamKey => EventId.ToString("N");
}
