using System.Globalization;
using CleanSse.Application.Common.Events;
using CleanSse.Application.Orders.Events;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Messaging;
using CleanSse.Infrastructure.Persistence.Outbox;
using CleanSse.TestKit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CleanSse.Api.FunctionalTests.Outbox;

/// <summary>
/// The outbox stores integration events, not stream frames, and the sweep publishes what waits through the same path
/// as a request: a swept event and a live one reach a stream the same way, and once.
/// </summary>
public sealed class OutboxTests(OutboxFixture fixture) : IClassFixture<OutboxFixture>, IDisposable
{
    private static readonly string[] OutboxColumns = ["Attempts", "DispatchedAt", "EventId", "Id", "LogPosition", "OccurredAt", "Payload", "TraceParent", "Type", "Version"];

    private readonly OrdersApiClient _orders = new(fixture.Host.CreateClient());

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private OutboxDispatcher Dispatcher =>
        fixture.Host.Services.GetServices<IHostedService>().OfType<OutboxDispatcher>().Single();

    public void Dispose() => _orders.Http.Dispose();

    [Fact]
    public async Task An_outbox_row_holds_the_event_id_type_name_version_payload_and_time_and_no_stream_frame()
    {
        var before = DateTimeOffset.UtcNow;
        var created = await _orders.CreateAsync("stored as an integration event", cancellationToken: Token);
        var paid = await _orders.ChangeStatusAsync(created.Id, "paid", Token);

        await using var db = await OpenDatabaseAsync();
        (await ColumnsAsync(db)).ShouldBe(OutboxColumns, ignoreOrder: true);

        // Marked just after the events reach the log, which is when the requests answer.
        await Eventually.HoldsAsync(async () => (await RowsForOrderAsync(db, created.Id)).All(row => !row.Pending), "both rows are marked published", cancellationToken: Token);
        var rows = await RowsForOrderAsync(db, created.Id);
        rows.Select(row => (row.Type, row.Version)).ShouldBe([("order-created", 1), ("order-status-changed", 1)]);
        OrdersApiClient.SameJson(created.Json, rows[0].Payload).ShouldBeTrue(rows[0].Payload);
        OrdersApiClient.SameJson(paid.Json, rows[1].Payload).ShouldBeTrue(rows[1].Payload);
        rows.ShouldAllBe(row => row.EventId.Version == 7);
        rows[0].EventId.ShouldNotBe(rows[1].EventId);
        rows.ShouldAllBe(row => row.OccurredAt >= before.AddSeconds(-1) && row.OccurredAt <= DateTimeOffset.UtcNow.AddSeconds(1));
        rows.ShouldAllBe(row => !row.Payload.Contains("new-order", StringComparison.Ordinal) && !row.Payload.Contains("data:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_row_left_by_a_crash_after_its_commit_reaches_a_stream_exactly_once_through_the_sweep()
    {
        await using var stream = await SseReader.OpenAsync(fixture.Host);
        (await stream.ReadEventAsync()).Data.ShouldBe("""{"type":"connected"}""");
        var eventId = Guid.CreateVersion7();
        var orderId = Guid.CreateVersion7().ToString("N");
        var payload = $$"""{"id":"{{orderId}}","customer":"Swept","items":[{"sku":"BOOK-1","quantity":1,"unitPrice":12.5}],"note":null,"total":12.5,"status":"new","createdAt":"2026-11-24T09:30:00Z"}""";
        await using (var db = await OpenDatabaseAsync())
        {
            await InsertPendingAsync(db, eventId, "order-created", 1, payload);
        }

        (await SweepAsync()).ShouldBe(1);
        (await SweepAsync()).ShouldBe(0, "nothing is left for a later sweep");

        var swept = await stream.ReadEventAsync();
        swept.EventType.ShouldBe("new-order");
        swept.Data.ShouldBe(payload, "the stored payload is the stream's data, byte for byte");

        // Marked waiting again, as if the mark had been lost: the sweep publishes it again and the log drops the repeat.
        await using (var db = await OpenDatabaseAsync())
        {
            await ExecuteAsync(db, """UPDATE "OutboxMessages" SET "DispatchedAt" = NULL WHERE "EventId" = $id""", ("$id", eventId.ToString("D").ToUpperInvariant()));
        }

        (await SweepAsync()).ShouldBe(1);
        var later = await _orders.CreateAsync("after the repeat", cancellationToken: Token);
        var next = await stream.ReadEventAsync();
        OrdersApiClient.SameJson(later.Json, next.Data).ShouldBeTrue($"the repeat was not sent again: {stream.Transcript}");
    }

    [Fact]
    public async Task An_event_handed_in_before_its_commit_is_published_as_handed_in_and_not_read_back()
    {
        // Issue 13: under load a dispatch ran between a group's commit and its requests' next step, found their rows
        // committed before the requests had handed their events in, and read every such row back and deserialized it.
        await using var stream = await SseReader.OpenAsync(fixture.Host);
        (await stream.ReadEventAsync()).Data.ShouldBe("""{"type":"connected"}""");
        var (created, handedIn, stored) = EventWithTwoPayloads();
        Dispatcher.Expect([new RaisedIntegrationEvent(created, OrderCreated.EventType)], default);
        await using (var db = await OpenDatabaseAsync())
        {
            await InsertPendingAsync(db, created.EventId, "order-created", 1, stored);
        }

        (await SweepAsync()).ShouldBe(1);

        (await stream.ReadEventAsync()).Data.ShouldBe(handedIn, "the object handed in, not the row read back");

        // Its request asks only now: published already, so it does not wait for another run.
        var asked = Dispatcher.DispatchAsync([created], Token);
        asked.IsCompletedSuccessfully.ShouldBeTrue();
        Dispatcher.HandedInCount.ShouldBe(0);
    }

    [Fact]
    public async Task A_published_event_that_no_request_asks_for_is_not_kept()
    {
        // A handler that fails after its commit never asks for its events' dispatch.
        var (created, _, stored) = EventWithTwoPayloads();
        Dispatcher.Expect([new RaisedIntegrationEvent(created, OrderCreated.EventType)], default);
        await using (var db = await OpenDatabaseAsync())
        {
            await InsertPendingAsync(db, created.EventId, "order-created", 1, stored);
        }

        (await SweepAsync()).ShouldBe(1);
        Dispatcher.HandedInCount.ShouldBe(1, "kept a while for its request");
        (await SweepAsync()).ShouldBe(0);
        (await SweepAsync()).ShouldBe(0);

        Dispatcher.HandedInCount.ShouldBe(0, "two runs later");
    }

    [Fact]
    public async Task An_event_of_a_failed_commit_is_forgotten_and_a_row_with_its_id_is_read_back()
    {
        await using var stream = await SseReader.OpenAsync(fixture.Host);
        (await stream.ReadEventAsync()).Data.ShouldBe("""{"type":"connected"}""");
        var (created, _, stored) = EventWithTwoPayloads();
        IReadOnlyList<RaisedIntegrationEvent> raised = [new RaisedIntegrationEvent(created, OrderCreated.EventType)];
        Dispatcher.Expect(raised, default);
        Dispatcher.Forget(raised);
        await using (var db = await OpenDatabaseAsync())
        {
            await InsertPendingAsync(db, created.EventId, "order-created", 1, stored);
        }

        (await SweepAsync()).ShouldBe(1);

        (await stream.ReadEventAsync()).Data.ShouldBe(stored);
        Dispatcher.HandedInCount.ShouldBe(0);
    }

    [Fact]
    public async Task A_row_of_an_unknown_type_is_left_waiting_and_the_rows_after_it_still_go_out()
    {
        await using var stream = await SseReader.OpenAsync(fixture.Host);
        (await stream.ReadEventAsync()).Data.ShouldBe("""{"type":"connected"}""");
        var unknown = Guid.CreateVersion7();
        var known = Guid.CreateVersion7();
        var orderId = Guid.CreateVersion7().ToString("N");
        var payload = $$"""{"id":"{{orderId}}","customer":"After the unknown","items":[{"sku":"BOOK-1","quantity":1,"unitPrice":1}],"note":null,"total":1,"status":"paid","createdAt":"2026-11-24T09:30:00Z"}""";
        await using (var db = await OpenDatabaseAsync())
        {
            await InsertPendingAsync(db, unknown, "order-refunded", 3, """{"id":"x"}""");
            await InsertPendingAsync(db, known, "order-status-changed", 1, payload);
        }

        (await SweepAsync()).ShouldBe(1);

        var published = await stream.ReadEventAsync();
        published.EventType.ShouldBe("order-updated");
        published.Data.ShouldBe(payload);
        await using (var db = await OpenDatabaseAsync())
        {
            (await IsPendingAsync(db, unknown)).ShouldBeTrue();
            (await IsPendingAsync(db, known)).ShouldBeFalse();
            await ExecuteAsync(db, """DELETE FROM "OutboxMessages" WHERE "EventId" = $id""", ("$id", unknown.ToString("D").ToUpperInvariant()));
        }
    }

    /// <summary>An order's creation, its payload as this process serializes it, and a stored payload that differs.</summary>
    private (OrderCreated Event, string HandedIn, string Stored) EventWithTwoPayloads()
    {
        var now = DateTimeOffset.UtcNow;
        var order = Order.Create(Guid.CreateVersion7().ToString("N"), "customer-1", "Handed in", [new OrderLine("BOOK-1", 1, 2m)], null, now);
        var created = OrderCreated.For(order, now);
        var handedIn = fixture.Host.Services.GetRequiredService<IntegrationEventSerializer>().Serialize(created, OrderCreated.EventType);
        return (created, handedIn, handedIn.Replace("Handed in", "Read back", StringComparison.Ordinal));
    }

    private Task<int> SweepAsync() => Dispatcher.DispatchPendingAsync(DateTimeOffset.UtcNow.AddMinutes(1), 100, Token);

    private async Task<SqliteConnection> OpenDatabaseAsync()
    {
        var connection = new SqliteConnection($"Data Source={fixture.Host.DatabasePath};Pooling=False");
        await connection.OpenAsync(Token);
        return connection;
    }

    private static async Task<List<string>> ColumnsAsync(SqliteConnection db)
    {
        await using var command = db.CreateCommand();
        command.CommandText = """SELECT name FROM pragma_table_info('OutboxMessages')""";
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Token);
        while (await reader.ReadAsync(Token))
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    private static async Task<List<StoredRow>> RowsForOrderAsync(SqliteConnection db, string orderId)
    {
        await using var command = db.CreateCommand();
        command.CommandText = """
            SELECT "EventId", "Type", "Version", "Payload", "OccurredAt", "DispatchedAt" IS NULL FROM "OutboxMessages"
            WHERE json_extract("Payload", '$.id') = $orderId ORDER BY "Id"
            """;
        command.Parameters.AddWithValue("$orderId", orderId);
        var rows = new List<StoredRow>();
        await using var reader = await command.ExecuteReaderAsync(Token);
        while (await reader.ReadAsync(Token))
        {
            rows.Add(new StoredRow(
                Guid.Parse(reader.GetString(0)),
                reader.GetString(1),
                reader.GetInt32(2),
                reader.GetString(3),
                new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero),
                reader.GetBoolean(5)));
        }

        return rows;
    }

    private static Task InsertPendingAsync(SqliteConnection db, Guid eventId, string type, int version, string payload) =>
        ExecuteAsync(
            db,
            """
            INSERT INTO "OutboxMessages" ("EventId", "Type", "Version", "Payload", "OccurredAt", "Attempts")
            VALUES ($id, $type, $version, $payload, $occurredAt, 0)
            """,
            ("$id", eventId.ToString("D").ToUpperInvariant()),
            ("$type", type),
            ("$version", version),
            ("$payload", payload),
            ("$occurredAt", DateTimeOffset.UtcNow.AddMinutes(-1).UtcTicks));

    private static async Task<bool> IsPendingAsync(SqliteConnection db, Guid eventId)
    {
        await using var command = db.CreateCommand();
        command.CommandText = """SELECT "DispatchedAt" IS NULL FROM "OutboxMessages" WHERE "EventId" = $id""";
        command.Parameters.AddWithValue("$id", eventId.ToString("D").ToUpperInvariant());
        return Convert.ToBoolean(await command.ExecuteScalarAsync(Token), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(Token);
    }

    private sealed record StoredRow(Guid EventId, string Type, int Version, string Payload, DateTimeOffset OccurredAt, bool Pending);
}
