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
        builder.Property(message => message.Key).HasMaxLength(128);
        builder.HasIndex(message => message.Key).IsUnique();
        builder.Property(message => message.Type).HasMaxLength(64);
        builder.Property(message => message.CreatedAt)
            .HasConversion(value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
        builder.Property(message => message.DispatchedAt)
            .HasConversion(value => value.HasValue ? value.Value.UtcTicks : (long?)null, ticks => ticks.HasValue ? new DateTimeOffset(ticks.Value, TimeSpan.Zero) : null);

        // The dispatcher's one query: what is still waiting, oldest first.
        builder.HasIndex(message => new { message.DispatchedAt, message.Id });
    }
}
