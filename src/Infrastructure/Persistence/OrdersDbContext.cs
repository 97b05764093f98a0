using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Persistence.Idempotency;
using CleanSse.Infrastructure.Persistence.Outbox;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence;

/// <summary>
/// The orders store. SQLite uses this type; PostgreSQL uses <see cref="PostgresOrdersDbContext"/>, which differs only
/// in type, so that each provider keeps its own migrations. Users, roles and the data-protection keys that sign their
/// cookies and tokens live here too: one database to run, back up and share between instances.
/// </summary>
public class OrdersDbContext : IdentityDbContext, IDataProtectionKeyContext
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

    internal DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(OrdersDbContext).Assembly);
    }
}
