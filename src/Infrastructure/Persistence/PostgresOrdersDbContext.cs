using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence;

/// <summary>The orders store on PostgreSQL; its migrations live in <c>Persistence/Migrations/Postgres</c>.</summary>
internal sealed class PostgresOrdersDbContext(DbContextOptions<PostgresOrdersDbContext> options) : OrdersDbContext(options);
