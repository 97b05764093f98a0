using CleanSse.Application.Orders.Commands.CreateOrder;
using CleanSse.Domain.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanSse.Infrastructure.Persistence.Configurations;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.ToTable("Orders");
        builder.HasKey(order => order.Id);
        builder.Property(order => order.Id).HasMaxLength(32).ValueGeneratedNever();
        // Identity's user ids.
        builder.Property(order => order.CustomerId).HasMaxLength(450).IsRequired();
        builder.Property(order => order.Customer).HasMaxLength(CreateOrderCommandValidator.CustomerMaxLength).IsRequired();
        builder.Property(order => order.Note).HasMaxLength(CreateOrderCommandValidator.NoteMaxLength);
        builder.Property(order => order.Total).HasPrecision(28, 2);
        builder.Property(order => order.Status).HasConversion<string>().HasMaxLength(16);

        // Stored as UTC ticks: sortable on every provider, SQLite included, which cannot order DateTimeOffset.
        builder.Property(order => order.CreatedAt)
            .HasConversion(value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
        builder.Property(order => order.UpdatedAt)
            .HasConversion(value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

        // Pages are a keyset on the id, newest first (ids grow with creation): the primary key serves staff's pages,
        // these the pages of one customer and of one status. changedSince is served by the UpdatedAt ones, the stats'
        // last minutes by the CreatedAt ones.
        builder.HasIndex(order => new { order.CustomerId, order.Id });
        builder.HasIndex(order => new { order.Status, order.Id });
        builder.HasIndex(order => order.UpdatedAt);
        builder.HasIndex(order => new { order.CustomerId, order.UpdatedAt });
        builder.HasIndex(order => order.CreatedAt);
        builder.HasIndex(order => new { order.CustomerId, order.CreatedAt });

        // The optimistic-concurrency token: the order bumps it with every change, and an update applies only while the
        // stored version is still the one read, so two racing changes cannot both win.
        builder.Property(order => order.Version).IsConcurrencyToken();

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
