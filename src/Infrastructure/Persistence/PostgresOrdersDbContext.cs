using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence;

/// <summary>The orders store on PostgreSQL; its migrations live in <c>Persistence/Migrations/Postgres</c>.</summary>
public sealed class PostgresOrdersDbContext(DbContextOptions<PostgresOrdersDbContext> options) : OrdersDbContext(options);
