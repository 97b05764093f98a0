using System.Data.Common;
using System.Globalization;
using System.Text;
using CleanSse.Api.Endpoints;
using CleanSse.Application.Orders;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Persistence;
using FluentValidation;
using Mapster;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

// Posing as the domain layer. Each type but the first reaches for exactly one thing the domain must not know, several
// of them only inside a lambda, a local function, an async method, an iterator or a nested type.
namespace CleanSse.Domain.Violations;

public sealed class DomainTypeUsingOnlyTheBaseLibraryAndTheDomain
{
    public IReadOnlyList<Order> Orders { get; init; } = [];

    public DateTimeOffset At { get; init; }

    public IReadOnlyList<string> Customers() => [.. Orders.Select(order => order.Customer).Distinct(StringComparer.Ordinal)];

    public string Summary()
    {
        var text = new StringBuilder();
        foreach (var line in Lines())
        {
            text.AppendLine(line);
        }

        return text.ToString();

        IEnumerable<string> Lines()
        {
            foreach (var order in Orders)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{order.Id} {order.Total:0.00}");
            }
        }
    }
}

public sealed class DomainTypeUsingTheApplication
{
    public OrderDto? Order { get; init; }
}

public sealed class DomainTypeUsingInfrastructure
{
    public OrdersDbContext? Database { get; init; }
}

public sealed class DomainTypeUsingTheApi
{
    public ChangeOrderStatusRequest? Request { get; init; }
}

public sealed class DomainTypeUsingEntityFramework
{
    public DbContext? Database { get; init; }
}

public sealed class DomainTypeUsingMicrosoftExtensions
{
    public ILogger? Logger { get; init; }
}

public sealed class DomainTypeUsingFluentValidation
{
    public IValidator<string>? Validator { get; init; }
}

public sealed class DomainEventUsingMediator : INotification
{
}

public sealed class DomainTypeUsingMapster
{
    public TypeAdapterConfig? Mapping { get; init; }
}

public sealed class DomainTypeCallingHttp
{
    public static async Task<int> PriceAsync(Uri catalogue)
    {
        using var client = new HttpClient();
        var text = await client.GetStringAsync(catalogue);
        return text.Length;
    }
}

public sealed class DomainTypeWritingFiles
{
    public Action<Order> Archive { get; } = order => File.WriteAllText(order.Id + ".txt", order.Customer);
}

public sealed class DomainTypeQueryingADatabase
{
    public static int Count(object connection)
    {
        return Run();

        int Run()
        {
            using var command = ((DbConnection)connection).CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM orders";
            return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
    }
}

public sealed class DomainTypeStartingAThread
{
    public static IEnumerable<int> Ticks()
    {
        yield return 1;
        Thread.Sleep(1);
        yield return 2;
    }
}

public sealed class DomainTypeUsingATimer
{
    public sealed class Ticker
    {
        public static IDisposable Start(Action tick) => new Timer(_ => tick(), null, 0, 1000);
    }
}

public sealed class DomainTypeWritingToTheConsole
{
    public static void Print(Order order) => Console.WriteLine(order.Id);
}

public sealed class DomainTypeReadingTheClock
{
    public static DateTimeOffset Now(TimeProvider clock) => clock.GetUtcNow();
}
