using System.Reflection;
using CleanSse.Application.Common.Events;
using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Events;
using CleanSse.Application.UnitTests.TestKit;

namespace CleanSse.Application.UnitTests.Common.Events;

public sealed class IntegrationEventContractTests
{
    private static readonly Assembly Application = typeof(IIntegrationEvent).Assembly;

    private static IEnumerable<Type> EventTypes =>
        Application.GetTypes().Where(type => !type.IsAbstract && typeof(IIntegrationEvent).IsAssignableFrom(type));

    [Fact]
    public void Every_integration_event_is_in_the_registry_under_a_name_and_version()
    {
        var registry = IntegrationEventTypes.FromAssembly(Application);

        registry.All.Select(type => type.EventClrType).ShouldBe(EventTypes, ignoreOrder: true);
        registry.TryFind("order-created", 1, out var created).ShouldBeTrue();
        created.EventClrType.ShouldBe(typeof(OrderCreated));
        registry.TryFind("order-status-changed", 1, out var changed).ShouldBeTrue();
        changed.EventClrType.ShouldBe(typeof(OrderStatusChanged));
        registry.TryFind("order-created", 2, out _).ShouldBeFalse();
    }

    [Fact]
    public void An_event_is_taken_apart_and_put_back_together_by_its_contract()
    {
        var created = SampleEvents.Created();

        var payload = OrderCreated.EventType.PayloadOf(created);
        var rebuilt = OrderCreated.EventType.Create(created.EventId, created.OccurredAt, payload);

        payload.ShouldBeSameAs(created.Order);
        rebuilt.ShouldBe(created);
    }

    [Fact]
    public void No_event_contract_reaches_the_rest_shape_so_changing_OrderDto_cannot_change_the_stream()
    {
        typeof(OrderSnapshotV1).ShouldNotBe(typeof(OrderDto));
        foreach (var eventType in EventTypes)
        {
            var reached = Reachable(eventType);
            reached.ShouldNotContain(typeof(OrderDto), $"{eventType.Name} carries the REST shape");
            reached.ShouldNotContain(typeof(OrderItemDto), $"{eventType.Name} carries the REST shape");
        }
    }

    private static HashSet<Type> Reachable(Type root)
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>([root]);
        while (pending.TryPop(out var type))
        {
            if (!seen.Add(type) || type.Assembly != Application && !type.IsGenericType)
            {
                continue;
            }

            foreach (var argument in type.GetGenericArguments())
            {
                pending.Push(argument);
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                pending.Push(property.PropertyType);
            }
        }

        return seen;
    }
}
