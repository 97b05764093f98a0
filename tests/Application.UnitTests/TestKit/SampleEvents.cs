using CleanSse.Application.Orders.Events;

namespace CleanSse.Application.UnitTests.TestKit;

/// <summary>Integration events for publishing tests.</summary>
internal static class SampleEvents
{
    public static OrderCreated Created(DateTimeOffset? at = null) => OrderCreated.For(SampleOrders.Create(), at ?? SampleOrders.CreatedAt);
}
