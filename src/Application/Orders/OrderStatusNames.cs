using System.Collections.Frozen;
using CleanSse.Domain.Orders;

namespace CleanSse.Application.Orders;

/// <summary>The wire names of <see cref="OrderStatus"/>: lower case, as the contract spells them.</summary>
public static class OrderStatusNames
{
    private static readonly FrozenDictionary<string, OrderStatus> ByName =
        Enum.GetValues<OrderStatus>().ToFrozenDictionary(ToName, status => status, StringComparer.Ordinal);

    public static IEnumerable<string> All => ByName.Keys;

    public static string ToName(OrderStatus status) => status.ToString().ToLowerInvariant();

    public static bool TryParse(string? name, out OrderStatus status) =>
        ByName.TryGetValue(name ?? string.Empty, out status);
}
