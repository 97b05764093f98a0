using System.Data.Common;
using Npgsql;

namespace CleanSse.Infrastructure.Persistence;

/// <summary>What the service adds to a PostgreSQL connection string it is given.</summary>
internal static class PostgresConnectionStrings
{
    /// <summary>Statements prepared per connection when the connection string does not say.</summary>
    public const int DefaultMaxAutoPrepare = 32;

    /// <summary>
    /// <paramref name="connectionString"/> with Npgsql's automatic preparation on, unless it sets
    /// <c>Max Auto Prepare</c> itself (0 turns it off). Every request runs the same few statements (an order by id,
    /// the outbox's pending rows and its mark, a page of orders); unprepared, the server parses and plans each one again,
    /// and on a small machine that was much of the database's CPU per order.
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        // Npgsql's own builder reports every keyword it knows as present, set or not: the keys as written tell.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in given.Keys)
        {
            if (key.Replace(" ", string.Empty, StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
            {
                return connectionString;
            }
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = DefaultMaxAutoPrepare }.ConnectionString;
    }
}
