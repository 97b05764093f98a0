using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Persistence.Outbox;
using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence;

/// <summary>
/// The orders store. SQLite uses this type; PostgreSQL uses <see cref="PostgresOrdersDbContext"/>, which differs only
/// in type, so that each provider keeps its own migrations.
/// </summary>
public class OrdersDbContext : DbContext
{
    public OrdersDbContext(DbContextOptions<OrdersDbContext> options)
        : base(options)
    {
    }

    protected OrdersDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Order> Orders => Set<Order>();

    internal DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OrdersDbContext).Assembly);
    }
}
