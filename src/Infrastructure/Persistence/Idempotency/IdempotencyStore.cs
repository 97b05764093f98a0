using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CleanSse.Application.Common.Persistence;
using CleanSse.Infrastructure.Persistence.Configurations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CleanSse.Infrastructure.Persistence.Idempotency;

internal sealed class IdempotencyStore(OrdersDbContext db, TimeProvider clock) : IIdempotencyStore
{
    // The handler's own return value, stored and read back as the API's JSON shape.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<StoredResponse<TResponse>?> FindAsync<TResponse>(string userId, string key, string request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var record = await db.IdempotencyRecords.AsNoTracking()
            .FirstOrDefaultAsync(record => record.UserId == userId && record.Key == key, cancellationToken);
        if (record is null)
        {
            return null;
        }

        if (record.ExpiresAt <= now)
        {
            // Expired: the key is free again, and its old row must go before a new one can take its place.
            await db.IdempotencyRecords
                .Where(stale => stale.Id == record.Id && stale.ExpiresAt <= now)
                .ExecuteDeleteAsync(cancellationToken);
            return null;
        }

        var response = JsonSerializer.Deserialize<TResponse>(record.Response, Json)
            ?? throw new InvalidOperationException($"The stored response of idempotency record {record.Id} is null.");
        return new StoredResponse<TResponse>(string.Equals(record.RequestHash, Hash(request), StringComparison.Ordinal), response);
    }

    public void Add<TResponse>(IdempotentRequest request, TResponse response)
    {
        ArgumentNullException.ThrowIfNull(request);
        db.IdempotencyRecords.Add(new IdempotencyRecord
        {
            UserId = request.UserId,
            Key = request.Key,
            RequestHash = Hash(request.Request),
            Response = JsonSerializer.Serialize(response, Json),
            CreatedAt = request.CreatedAt,
            ExpiresAt = request.ExpiresAt,
        });
    }

    /// <summary>Whether a failed commit failed because another one stored the same user and key first.</summary>
    public static bool IsKeyTaken(OrdersDbContext db, DbUpdateException exception) =>
        db.ChangeTracker.Entries<IdempotencyRecord>().Any(entry => entry.State == EntityState.Added)
        && exception.InnerException switch
        {
            // SQLITE_CONSTRAINT_UNIQUE; the message names the columns, not the index.
            SqliteException sqlite => sqlite.SqliteExtendedErrorCode == 2067
                && sqlite.Message.Contains("IdempotencyRecords.", StringComparison.Ordinal),
            PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation
                && postgres.ConstraintName == IdempotencyRecordConfiguration.UserKeyIndexName,
            _ => false,
        };

    /// <summary>Not committed, so not to be committed by a later save in this scope either.</summary>
    public static void ForgetAdded(OrdersDbContext db)
    {
        foreach (var entry in db.ChangeTracker.Entries<IdempotencyRecord>().Where(entry => entry.State == EntityState.Added).ToList())
        {
            entry.State = EntityState.Detached;
        }
    }

    /// <summary>Deletes every expired record; returns how many.</summary>
    public static Task<int> PurgeExpiredAsync(OrdersDbContext db, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.IdempotencyRecords.Where(record => record.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);

    private static string Hash(string request) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request)));
}
