using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Persistence;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Persistence.Configurations;
using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence;

internal sealed class UnitOfWork(OrdersDbContext db) : IUnitOfWork
{
    public async Task SaveChangesAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in db.ChangeTracker.Entries<Order>())
        {
            if (entry.State == EntityState.Modified)
            {
                var version = entry.Property<long>(OrderConfiguration.VersionProperty);
                version.CurrentValue = version.OriginalValue + 1;
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException exception)
        {
            throw new ConcurrencyConflictException("The order was changed by another request; read it again and retry.", exception);
        }
    }
}
