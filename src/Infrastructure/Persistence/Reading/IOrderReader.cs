using CleanSse.Domain.Orders;
using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence.Reading;

/// <summary>Reads one order to show, untracked, on the store's quickest path.</summary>
internal interface IOrderReader
{
    Task<Order?> ReadAsync(string id, CancellationToken cancellationToken);
}

/// <summary>
/// A compiled EF Core query (PostgreSQL): its pool hands out an open connection cheaply. Scoped, on the request's
/// context.
/// </summary>
internal sealed class CompiledQueryOrderReader(OrdersDbContext context) : IOrderReader
{
    private static readonly Func<OrdersDbContext, string, CancellationToken, Task<Order?>> ById =
        EF.CompileAsyncQuery((OrdersDbContext context, string id, CancellationToken cancellationToken) =>
            context.Orders.AsNoTracking().FirstOrDefault(order => order.Id == id));

    private static readonly Func<PostgresOrdersDbContext, string, CancellationToken, Task<Order?>> ByIdOnPostgres =
        EF.CompileAsyncQuery((PostgresOrdersDbContext context, string id, CancellationToken cancellationToken) =>
            context.Orders.AsNoTracking().FirstOrDefault(order => order.Id == id));

    public Task<Order?> ReadAsync(string id, CancellationToken cancellationToken) =>
        context is PostgresOrdersDbContext postgres ? ByIdOnPostgres(postgres, id, cancellationToken) : ById(context, id, cancellationToken);
}
