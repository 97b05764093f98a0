using System.Data;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using CleanSse.Domain.Orders;
using Microsoft.Data.Sqlite;

namespace CleanSse.Infrastructure.Persistence.Reading;

/// <summary>
/// Reads an order by id on SQLite with one statement, prepared once per kept-open connection. Through EF Core each read
/// prepared the statement again and built its materializer's delegates again (the lines are a JSON column), about a
/// third of a GET's CPU. The columns are the ones <c>OrderConfiguration</c> maps: ticks for the instants, text for the
/// status and the money, the lines as the JSON array EF Core writes.
/// </summary>
internal sealed class SqliteOrderReader(SqliteReadConnections connections) : IOrderReader
{
    private const string Sql = """
        SELECT "CustomerId", "Customer", "Note", "Total", "Status", "CreatedAt", "UpdatedAt", "Version", "Lines"
        FROM "Orders" WHERE "Id" = $id
        """;

    // EF Core writes a decimal inside JSON as a string on SQLite; a number is read as well.
    private static readonly JsonSerializerOptions LineJson = new()
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        PropertyNameCaseInsensitive = true,
    };

    private readonly ConditionalWeakTable<SqliteConnection, SqliteCommand> _commands = new();

    public Task<Order?> ReadAsync(string id, CancellationToken cancellationToken) =>
        connections.ReadAsync((connection, token) => ReadAsync(connection, id, token), cancellationToken);

    private async Task<Order?> ReadAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
    {
        var command = _commands.GetValue(connection, Prepare);
        command.Parameters[0].Value = id;
        await using var row = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        if (!await row.ReadAsync(cancellationToken))
        {
            return null;
        }

        var lines = JsonSerializer.Deserialize<StoredLine[]>(row.GetString(8), LineJson) ?? [];
        return Order.Restore(
            id,
            customerId: row.GetString(0),
            customer: row.GetString(1),
            lines: lines.Select(line => new OrderLine(line.Sku, line.Quantity, line.UnitPrice)),
            note: row.IsDBNull(2) ? null : row.GetString(2),
            total: decimal.Parse(row.GetString(3), NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture),
            status: Enum.Parse<OrderStatus>(row.GetString(4)),
            createdAt: new DateTimeOffset(row.GetInt64(5), TimeSpan.Zero),
            updatedAt: new DateTimeOffset(row.GetInt64(6), TimeSpan.Zero),
            version: row.GetInt64(7));
    }

    private static SqliteCommand Prepare(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.Parameters.Add("$id", SqliteType.Text);
        command.Prepare();
        return command;
    }

    private sealed record StoredLine(string Sku, int Quantity, decimal UnitPrice);
}
