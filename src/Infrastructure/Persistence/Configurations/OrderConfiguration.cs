using CleanSse.Application.Orders.Commands.CreateOrder;
using CleanSse.Domain.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanSse.Infrastructure.Persistence.Configurations;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    /// <summary>The optimistic-concurrency token: bumped on every update, so two racing status changes cannot both win.</summary>
    public const string VersionProperty = "Version";

    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.ToTable("Orders");
        builder.HasKey(order => order.Id);
        builder.Property(order => order.Id).HasMaxLength(32).ValueGeneratedNever();
        // Identity's user ids; a customer's own orders are listed by this index.
        builder.Property(order => order.CustomerId).HasMaxLength(450).IsRequired();
        builder.HasIndex(order => new { order.CustomerId, order.CreatedAt });
        builder.Property(order => order.Customer).HasMaxLength(CreateOrderCommandValidator.CustomerMaxLength).IsRequired();
        builder.Property(order => order.Note).HasMaxLength(CreateOrderCommandValidator.NoteMaxLength);
        builder.Property(order => order.Total).HasPrecision(28, 2);
        builder.Property(order => order.Status).HasConversion<string>().HasMaxLength(16);

        // Stored as UTC ticks: sortable on every provider, SQLite included, which cannot order DateTimeOffset.
        builder.Property(order => order.CreatedAt)
            .HasConversion(value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
        builder.HasIndex(order => order.CreatedAt);

        builder.Property<long>(VersionProperty).IsConcurrencyToken();

        builder.OwnsMany(order => order.Lines, lines =>
        {
            lines.ToJson("Lines");
            lines.Property(line => line.Sku).HasMaxLength(CreateOrderCommandValidator.SkuMaxLength);
            lines.Property(line => line.Quantity);
            lines.Property(line => line.UnitPrice).HasPrecision(28, 8);
            lines.Ignore(line => line.Subtotal);
        });
        builder.Navigation(order => order.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
