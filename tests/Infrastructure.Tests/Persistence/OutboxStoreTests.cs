using CleanSse.Infrastructure.Persistence;
using CleanSse.Infrastructure.Persistence.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Infrastructure.Tests.Persistence;

/// <summary>
/// What the outbox records of a publication: each row's time and log position, which a log that lost its data is
/// rebuilt from. On SQLite the mark runs on the writer's connection through its own prepared statement, on PostgreSQL as
/// one statement on the request's connection: both must store what EF Core reads back.
/// </summary>
public abstract class OutboxStoreTests(StoreKind kind) : StoreTests(kind)
{
    private static readonly DateTimeOffset OccurredAt = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Published_rows_keep_their_time_and_log_position_and_a_second_mark_changes_neither()
    {
        Guid[] ids = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        await using (var scope = Store.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
            db.OutboxMessages.AddRange(ids.Select(id => new OutboxMessage { EventId = id, Type = "order-created", Version = 1, Payload = "{}", OccurredAt = OccurredAt }));
            await db.SaveChangesAsync(Token);
        }

        var before = DateTimeOffset.UtcNow;
        await MarkAsync([ids[0], ids[1]], ["41-0", "42-0"]);
        var after = DateTimeOffset.UtcNow;
        // Lists as well as arrays: the publisher hands in whichever it built.
        await MarkAsync(new List<Guid> { ids[1], ids[2] }, new List<string> { "99-0", "43-0" });

        await using var reading = Store.Services.CreateAsyncScope();
        var retained = await reading.ServiceProvider.GetRequiredService<OutboxStore>().ListRetainedAsync(10, Token);
        retained.Select(row => (row.EventId, row.LogPosition)).ShouldBe([(ids[0], "41-0"), (ids[1], "42-0"), (ids[2], "43-0")]);
        retained[0].DispatchedAt.ShouldNotBeNull().ShouldBeInRange(before, after);
        retained[1].DispatchedAt.ShouldBe(retained[0].DispatchedAt, "marked once, by the first publication");
        var waiting = await reading.ServiceProvider.GetRequiredService<OutboxStore>().ListPendingAsync(0, DateTimeOffset.MaxValue, 10, Token);
        waiting.ShouldBeEmpty();
    }

    [Fact]
    public async Task Pending_rows_are_the_unmarked_ones_after_the_given_key_up_to_the_given_time_oldest_first()
    {
        // The dispatcher's one query on every request's path: on SQLite it runs as its own prepared statement, so what it
        // returns is checked against what EF Core stored, on both stores.
        Guid[] ids = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        long[] keys;
        await using (var scope = Store.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
            var rows = ids.Select((id, i) => new OutboxMessage
            {
                EventId = id,
                Type = "order-created",
                Version = 1,
                Payload = "{}",
                OccurredAt = OccurredAt.AddSeconds(i),
                TraceParent = i == 2 ? TraceParent : null,
            }).ToList();
            db.OutboxMessages.AddRange(rows);
            await db.SaveChangesAsync(Token);
            keys = [.. rows.Select(row => row.Id)];
        }

        await MarkAsync([ids[1]], ["7-0"]);

        await using var reading = Store.Services.CreateAsyncScope();
        var store = reading.ServiceProvider.GetRequiredService<OutboxStore>();
        var all = await store.ListPendingAsync(0, DateTimeOffset.MaxValue, 10, Token);
        all.ShouldBe([
            new PendingOutboxRow(keys[0], ids[0], null),
            new PendingOutboxRow(keys[2], ids[2], TraceParent),
            new PendingOutboxRow(keys[3], ids[3], null),
            new PendingOutboxRow(keys[4], ids[4], null),
        ]);
        (await store.ListPendingAsync(keys[0], DateTimeOffset.MaxValue, 2, Token)).Select(row => row.Id).ShouldBe([keys[2], keys[3]]);
        (await store.ListPendingAsync(0, OccurredAt.AddSeconds(2), 10, Token)).Select(row => row.Id).ShouldBe([keys[0], keys[2]]);
        (await store.ListPendingAsync(keys[4], DateTimeOffset.MaxValue, 10, Token)).ShouldBeEmpty();
    }

    private async Task MarkAsync(IReadOnlyList<Guid> ids, IReadOnlyList<string> positions)
    {
        await using var scope = Store.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<OutboxStore>().MarkPublishedAsync(ids, positions, Token);
    }
}

public sealed class SqliteOutboxStoreTests() : OutboxStoreTests(StoreKind.Sqlite);

public sealed class PostgresOutboxStoreTests() : OutboxStoreTests(StoreKind.Postgres);
