using System.Buffers;
using System.Data;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
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

        return Order.Restore(
            id,
            customerId: row.GetString(0),
            customer: row.GetString(1),
            lines: ReadLines(row.GetString(8)),
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

    /// <summary>
    /// The lines column as EF Core writes it: an array of objects with <c>Sku</c>, <c>Quantity</c> and
    /// <c>UnitPrice</c>, the decimal as a string on SQLite (a number is read as well). Read by hand: the serializer's
    /// path for a type with a constructor was a thirtieth of a GET's CPU.
    /// </summary>
    private static List<OrderLine> ReadLines(string json)
    {
        var lines = new List<OrderLine>();
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(0, Encoding.UTF8.GetBytes(json, buffer)));
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartArray);
            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                string? sku = null;
                var quantity = 0;
                var unitPrice = 0m;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("Sku"u8))
                    {
                        reader.Read();
                        sku = reader.GetString();
                    }
                    else if (reader.ValueTextEquals("Quantity"u8))
                    {
                        reader.Read();
                        quantity = reader.TokenType == JsonTokenType.String
                            ? int.Parse(reader.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture)
                            : reader.GetInt32();
                    }
                    else if (reader.ValueTextEquals("UnitPrice"u8))
                    {
                        reader.Read();
                        unitPrice = reader.TokenType == JsonTokenType.String
                            ? decimal.Parse(reader.GetString()!, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture)
                            : reader.GetDecimal();
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                Expect(sku is not null && reader.TokenType == JsonTokenType.EndObject);
                lines.Add(new OrderLine(sku!, quantity, unitPrice));
            }

            Expect(reader.TokenType == JsonTokenType.EndArray);
            return lines;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new JsonException("The order's lines are not the JSON array of lines the store writes.");
        }
    }
}
