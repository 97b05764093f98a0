using CleanSse.Infrastructure.Persistence;
using CleanSse.Infrastructure.Realtime.EventLog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

// Posing as the infrastructure's persistence and realtime parts: one type that stays in its part, and one in each
// part that reaches into the other.
namespace CleanSse.Infrastructure.Persistence.Violations
{
    public sealed class PersistenceTypeUsingOnlyPersistence(OrdersDbContext database)
    {
        public Task<int> CountAsync(CancellationToken cancellationToken) => database.Orders.CountAsync(cancellationToken);
    }

    public sealed class PersistenceTypeUsingRealtime(IServiceProvider services)
    {
        public async Task<string> DescribeAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(1, cancellationToken);
            return services.GetRequiredService<IEventLog>().GetType().Name;
        }
    }
}

namespace CleanSse.Infrastructure.Realtime.Violations
{
    public sealed class RealtimeTypeUsingPersistence(IServiceProvider services)
    {
        public Func<int> Count => () => services.GetRequiredService<OrdersDbContext>().Orders.Count();
    }
}
