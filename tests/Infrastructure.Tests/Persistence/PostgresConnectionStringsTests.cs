using CleanSse.Infrastructure.Persistence;
using Npgsql;

namespace CleanSse.Infrastructure.Tests.Persistence;

/// <summary>
/// Issue 13: PostgreSQL parsed and planned every statement of every request again. Automatic preparation is on unless
/// the connection string says otherwise.
/// </summary>
public sealed class PostgresConnectionStringsTests
{
    private const string Given = "Host=db.internal;Port=5433;Database=orders;Username=app;Password=secret";

    [Fact]
    public void A_connection_string_that_does_not_say_gets_automatic_preparation_and_keeps_the_rest()
    {
        var result = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.WithAutoPrepare(Given));

        result.MaxAutoPrepare.ShouldBe(PostgresConnectionStrings.DefaultMaxAutoPrepare);
        result.Host.ShouldBe("db.internal");
        result.Port.ShouldBe(5433);
        result.Database.ShouldBe("orders");
        result.Username.ShouldBe("app");
        result.Password.ShouldBe("secret");
    }

    [Theory]
    [InlineData("Max Auto Prepare=0", 0)]
    [InlineData("Max Auto Prepare=5", 5)]
    [InlineData("MaxAutoPrepare=0", 0)]
    [InlineData("maxautoprepare=100", 100)]
    public void A_connection_string_that_sets_it_keeps_its_own_value(string setting, int expected)
    {
        var result = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.WithAutoPrepare($"{Given};{setting}"));

        result.MaxAutoPrepare.ShouldBe(expected);
    }
}
