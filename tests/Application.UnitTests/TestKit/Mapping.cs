using CleanSse.Application.Orders;
using Mapster;

namespace CleanSse.Application.UnitTests.TestKit;

/// <summary>The mapping configuration built the way the composition root builds it.</summary>
internal static class Mapping
{
    public static TypeAdapterConfig Config { get; } = Build();

    public static TypeAdapterConfig Build()
    {
        var config = new TypeAdapterConfig();
        config.Scan(typeof(OrderDto).Assembly);
        config.Compile();
        return config;
    }
}
