using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders.Events;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Messaging;
using CleanSse.Infrastructure.Persistence;
using CleanSse.Infrastructure.Persistence.Idempotency;
using CleanSse.Infrastructure.Persistence.Writing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace CleanSse.Infrastructure.Tests.Persistence;

/// <summary>Idempotency keys on SQLite: stored by the commit of their change, one per user and key, freed when they expire.</summary>
public sealed class IdempotencyStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly IntegrationEventSerializer _serializer = new();
    private readonly FakeTimeProvider _clock = new(Now);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _connection.OpenAsync(Token);
        await using var db = NewContext();
        await db.Database.MigrateAsync(Token);
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task The_second_commit_of_one_user_and_key_stores_nothing_and_says_the_key_was_taken()
    {
        await using (var winner = NewContext())
        {
            await CommitOrderAsync(winner, new ScopedIntegrationEvents(), "user-1", "key-1", "request");
        }

        await using var loser = NewContext();
        var events = new ScopedIntegrationEvents();
        await Should.ThrowAsync<IdempotencyKeyTakenException>(() => CommitOrderAsync(loser, events, "user-1", "key-1", "request"));

        events.TakeCommitted().ShouldBeEmpty();
        await using var reader = NewContext();
        (await reader.Orders.CountAsync(Token)).ShouldBe(1);
        (await reader.OutboxMessages.CountAsync(Token)).ShouldBe(1);
        (await reader.IdempotencyRecords.CountAsync(Token)).ShouldBe(1);
        loser.ChangeTracker.Entries<IdempotencyRecord>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Two_users_may_commit_the_same_key()
    {
        await using (var first = NewContext())
        {
            await CommitOrderAsync(first, new ScopedIntegrationEvents(), "user-1", "shared", "request");
        }

        await using (var second = NewContext())
        {
            await CommitOrderAsync(second, new ScopedIntegrationEvents(), "user-2", "shared", "request");
        }

        await using var reader = NewContext();
        (await reader.IdempotencyRecords.CountAsync(Token)).ShouldBe(2);
    }

    [Fact]
    public async Task A_stored_response_is_found_and_tells_the_same_request_from_another()
    {
        await using (var db = NewContext())
        {
            await CommitOrderAsync(db, new ScopedIntegrationEvents(), "user-1", "key-1", "the request", response: "the response");
        }

        await using var reader = NewContext();
        var store = new IdempotencyStore(reader, _clock);

        (await store.FindAsync<string>("user-1", "key-1", "the request", Token)).ShouldBe(new StoredResponse<string>(true, "the response"));
        (await store.FindAsync<string>("user-1", "key-1", "another request", Token)).ShouldBe(new StoredResponse<string>(false, "the response"));
        (await store.FindAsync<string>("user-2", "key-1", "the request", Token)).ShouldBeNull();
        (await store.FindAsync<string>("user-1", "key-2", "the request", Token)).ShouldBeNull();
    }

    [Fact]
    public async Task An_expired_key_is_free_again_and_its_row_is_gone()
    {
        await using (var db = NewContext())
        {
            await CommitOrderAsync(db, new ScopedIntegrationEvents(), "user-1", "key-1", "request");
        }

        _clock.Advance(TimeSpan.FromHours(24));
        await using (var reader = NewContext())
        {
            (await new IdempotencyStore(reader, _clock).FindAsync<string>("user-1", "key-1", "request", Token)).ShouldBeNull();
            (await reader.IdempotencyRecords.CountAsync(Token)).ShouldBe(0);
        }

        await using var again = NewContext();
        await CommitOrderAsync(again, new ScopedIntegrationEvents(), "user-1", "key-1", "another request");
    }

    [Fact]
    public async Task The_purge_deletes_expired_keys_only()
    {
        await using (var db = NewContext())
        {
            await CommitOrderAsync(db, new ScopedIntegrationEvents(), "user-1", "old", "request");
        }

        _clock.Advance(TimeSpan.FromHours(23));
        await using (var db = NewContext())
        {
            await CommitOrderAsync(db, new ScopedIntegrationEvents(), "user-1", "young", "request");
        }

        _clock.Advance(TimeSpan.FromHours(2));
        await using var purging = NewContext();
        (await IdempotencyStore.PurgeExpiredAsync(purging, _clock.GetUtcNow(), Token)).ShouldBe(1);
        (await purging.IdempotencyRecords.Select(record => record.Key).ToListAsync(Token)).ShouldBe(["young"]);
    }

    private async Task CommitOrderAsync(OrdersDbContext db, ScopedIntegrationEvents events, string userId, string key, string request, string response = "created")
    {
        var now = _clock.GetUtcNow();
        var order = Order.Create(Guid.CreateVersion7(now).ToString("N"), userId, "Ada", [new OrderLine("A", 1, 1m)], null, now);
        db.Orders.Add(order);
        events.Raise(OrderCreated.For(order, now));
        new IdempotencyStore(db, _clock).Add(new IdempotentRequest(userId, key, request, now, now.AddHours(24)), response);
        await new UnitOfWork(db, new NewRows(), events, _serializer, new DirectDatabaseWriter()).SaveChangesAsync(Token);
    }

    private OrdersDbContext NewContext() =>
        new(new DbContextOptionsBuilder<OrdersDbContext>().UseSqlite(_connection).Options);
}
