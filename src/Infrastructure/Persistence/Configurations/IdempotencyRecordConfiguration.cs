using CleanSse.Application.Common.Idempotency;
using CleanSse.Infrastructure.Persistence.Idempotency;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanSse.Infrastructure.Persistence.Configurations;

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    /// <summary>The unique index that lets exactly one of racing requests with the same key commit.</summary>
    public const string UserKeyIndexName = "IX_IdempotencyRecords_UserId_Key";

    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("IdempotencyRecords");
        builder.HasKey(record => record.Id);
        builder.Property(record => record.UserId).HasMaxLength(450);
        builder.Property(record => record.Key).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.HasIndex(record => new { record.UserId, record.Key }).IsUnique().HasDatabaseName(UserKeyIndexName);
        builder.Property(record => record.RequestHash).HasMaxLength(64);
        builder.Property(record => record.CreatedAt)
            .HasConversion(value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
        builder.Property(record => record.ExpiresAt)
            .HasConversion(value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

        // The purge's one query: what has expired.
        builder.HasIndex(record => record.ExpiresAt);
    }
}
