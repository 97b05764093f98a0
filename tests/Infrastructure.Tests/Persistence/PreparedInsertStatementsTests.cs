using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Persistence;
using CleanSse.Infrastructure.Persistence.Idempotency;
using CleanSse.Infrastructure.Persistence.Outbox;
using CleanSse.Infrastructure.Persistence.Writing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanSse.Infrastructure.Tests.Persistence;

/// <summary>
/// The writer inserts added rows with its own prepared statements instead of EF Core's SaveChanges: every column must
/// hold exactly what SaveChanges would have stored, or EF Core, the reader and the outbox would read them differently.
/// </summary>
public abstract class PreparedInsertStatementsTests(StoreKind kind) : StoreTests(kind)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public async Task An_order_is_stored_column_for_column_as_SaveChanges_stores_it()
    {
        OrderLine[] lines = [new("BOOK-1", 2, 12.5m), new("PEN \"fine\" \\ é", 1, 0.1m), new("DESK-9", 3, 1234567.89012345m)];
        await AssertSameRowsAsync(
            "Orders",
            id => Order.Create(id, "customer-1", "Ada Ł. \"the\" reader", lines, "leave at the door\nplease", Now));
        await AssertSameRowsAsync(
            "Orders",
            id => Order.Create(id, "customer-2", "Bob", [new OrderLine("X", 1, 0m)], null, Now.AddTicks(7)));
    }

    [Fact]
    public async Task Outbox_and_idempotency_rows_are_stored_column_for_column_as_SaveChanges_stores_them()
    {
        await AssertSameRowsAsync("OutboxMessages", _ => new OutboxMessage
        {
            EventId = Guid.NewGuid(),
            Type = "order-created",
            Version = 1,
            Payload = """{"id":"x","total":"12.50"}""",
            OccurredAt = Now,
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        });
        await AssertSameRowsAsync("IdempotencyRecords", _ => new IdempotencyRecord
        {
            UserId = "customer-1",
            Key = Guid.NewGuid().ToString(),
            RequestHash = new string('a', 64),
            Response = """{"id":"x"}""",
            CreatedAt = Now,
            ExpiresAt = Now.AddDays(1),
        });
    }

    [Fact]
    public async Task Keys_the_store_generates_are_set_on_the_entries_as_SaveChanges_sets_them()
    {
        await using var scope = Store.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var first = NewMessage();
        var second = NewMessage();
        // An order's insert returns nothing; the keys of the rows after it are still theirs.
        db.Orders.Add(Order.Create("0001", "customer-1", "Ada", [new OrderLine("BOOK-1", 1, 2m)], null, Now));
        db.OutboxMessages.AddRange(first, second);

        await scope.ServiceProvider.GetRequiredService<IDatabaseWriter>().SaveChangesAsync(db, new NewRows(), Token);

        first.Id.ShouldBeGreaterThan(0);
        second.Id.ShouldBeGreaterThan(first.Id);
        db.Entry(first).Property(message => message.Id).IsTemporary.ShouldBeFalse();
        db.ChangeTracker.AcceptAllChanges();
        db.Entry(second).State.ShouldBe(EntityState.Unchanged);
        var stored = await db.OutboxMessages.AsNoTracking().OrderBy(message => message.Id).Select(message => message.EventId).ToListAsync(Token);
        stored.ShouldBe([first.EventId, second.EventId]);
    }

    [Fact]
    public async Task Anything_but_added_rows_is_left_to_SaveChanges()
    {
        await using var scope = Store.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var statements = scope.ServiceProvider.GetRequiredService<PreparedInsertStatements>();
        var order = Order.Create("0001", "customer-1", "Ada", [new OrderLine("BOOK-1", 1, 2m)], null, Now);
        db.Orders.Add(order);
        statements.TryCapture(db).ShouldNotBeNull();
        await db.SaveChangesAsync(Token);

        statements.TryCapture(db).ShouldBeNull("nothing to insert");
        order.ChangeStatus(OrderStatus.Paid, Now.AddMinutes(1));
        statements.TryCapture(db).ShouldBeNull("an update");
        db.ChangeTracker.Clear();

        db.Orders.Remove(order);
        statements.TryCapture(db).ShouldBeNull("a delete");
        db.ChangeTracker.Clear();

        // An added row beside a read one changed behind the tracker's back: the change is found, not skipped.
        var read = await db.Orders.SingleAsync(stored => stored.Id == order.Id, Token);
        db.Orders.Add(Order.Create("0002", "customer-1", "Ada", [new OrderLine("BOOK-1", 1, 2m)], null, Now));
        read.ChangeStatus(OrderStatus.Paid, Now.AddMinutes(2));
        statements.TryCapture(db).ShouldBeNull("an update beside an insert");
        db.Entry(read).State.ShouldBe(EntityState.Modified);
    }

    /// <summary>
    /// Writes two entities through the writer's statements (the first prepares the statement with its parameters; the
    /// second only lends it its values) and one through SaveChanges, then compares their rows.
    /// </summary>
    private async Task AssertSameRowsAsync<T>(string table, Func<string, T> create)
        where T : class
    {
        foreach (var id in (string[])["00000000000000000000000000000001", "00000000000000000000000000000003"])
        {
            await using var scope = Store.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
            db.Add(create(id));
            scope.ServiceProvider.GetRequiredService<PreparedInsertStatements>().TryCapture(db).ShouldNotBeNull("written by the prepared statements");
            await scope.ServiceProvider.GetRequiredService<IDatabaseWriter>().SaveChangesAsync(db, new NewRows(), Token);
        }

        await using (var scope = Store.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
            db.Add(create("00000000000000000000000000000002"));
            await db.SaveChangesAsync(Token);
        }

        var rows = await ReadRowsAsync(table);
        rows.Count.ShouldBe(3);
        var keys = new HashSet<string>(StringComparer.Ordinal) { "Id", "EventId", "Key" };
        foreach (var prepared in rows.Take(2))
        {
            foreach (var (column, value) in prepared)
            {
                if (!keys.Contains(column))
                {
                    rows[2][column].ShouldBe(value, $"{table}.{column}");
                }
            }
        }

        await ClearAsync(table);
    }

    private async Task<List<Dictionary<string, object?>>> ReadRowsAsync(string table)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        // Insertion order: SQLite's rowid, the inserting transaction's id on PostgreSQL (each row is its own save).
        command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY {(Kind == StoreKind.Postgres ? "xmin::text::bigint" : "rowid")}";
        await using var reader = await command.ExecuteReaderAsync(Token);
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync(Token))
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                // The storage class as well as the value: a guid bound as a blob is not the text SaveChanges stores.
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : (reader.GetDataTypeName(i), reader.GetValue(i));
            }

            rows.Add(row);
        }

        return rows;
    }

    private async Task ClearAsync(string table)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM \"{table}\"";
        await command.ExecuteNonQueryAsync(Token);
    }

    private async Task<System.Data.Common.DbConnection> OpenAsync()
    {
        string connectionString;
        using (var scope = Store.Services.CreateScope())
        {
            connectionString = scope.ServiceProvider.GetRequiredService<OrdersDbContext>().Database.GetConnectionString()!;
        }

        System.Data.Common.DbConnection connection = Kind == StoreKind.Postgres
            ? new NpgsqlConnection(connectionString)
            : new SqliteConnection(connectionString);
        await connection.OpenAsync(Token);
        return connection;
    }

    private static OutboxMessage NewMessage() => new()
    {
        EventId = Guid.NewGuid(),
        Type = "order-created",
        Version = 1,
        Payload = "{}",
        OccurredAt = Now,
    };
}

public sealed class SqlitePreparedInsertStatementsTests() : PreparedInsertStatementsTests(StoreKind.Sqlite);

/// <summary>On PostgreSQL the same inserts are grouped and prepared by the writer: issue 13 found each order cost 4 ms of CPU there.</summary>
public sealed class PostgresPreparedInsertStatementsTests() : PreparedInsertStatementsTests(StoreKind.Postgres);
