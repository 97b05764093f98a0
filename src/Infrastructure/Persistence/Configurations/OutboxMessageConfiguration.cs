using CleanSse.Infrastructure.Persistence.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanSse.Infrastructure.Persistence.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("OutboxMessages");
        builder.HasKey(message => message.Id);
        builder.HasIndex(message => message.EventId).IsUnique();
        builder.Property(message => message.Type).HasMaxLength(128);
        builder.Property(message => message.LogPosition).HasMaxLength(64);
        builder.Property(message => message.OccurredAt)
            .HasConversion(value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
        builder.Property(message => message.DispatchedAt)
            .HasConversion(value => value.HasValue ? value.Value.UtcTicks : (long?)null, ticks => ticks.HasValue ? new DateTimeOffset(ticks.Value, TimeSpan.Zero) : null);

        // The sweep's one query: what is still waiting, oldest first.
        builder.HasIndex(message => new { message.DispatchedAt, message.Id });
    }
}
