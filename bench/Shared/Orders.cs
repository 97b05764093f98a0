using System.Text.Json;
using System.Text.Json.Serialization;

namespace CleanSse.Competitors;

/// <summary>The body of <c>POST /api/orders</c>, as the competitor servers accept it.</summary>
public sealed record OrderInput(string? Customer, IReadOnlyList<OrderItemInput>? Items, string? Note);

public sealed record OrderItemInput(string? Sku, int Quantity, decimal UnitPrice);

/// <summary>An order in the same JSON shape as CleanSse's (camelCase on the wire).</summary>
public sealed record Order(
    string Id,
    string Customer,
    IReadOnlyList<OrderItem> Items,
    string? Note,
    decimal Total,
    string Status,
    DateTime CreatedAt);

public sealed record OrderItem(string Sku, int Quantity, decimal UnitPrice);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(OrderInput))]
public sealed partial class OrderJsonContext : JsonSerializerContext;

public static class Orders
{
    /// <summary>The minimal validation every competitor applies: a customer and 1..50 sane items.</summary>
    public static Order? TryCreate(OrderInput? input)
    {
        if (input is null
            || string.IsNullOrEmpty(input.Customer) || input.Customer.Length > 100
            || input.Items is null || input.Items.Count is 0 or > 50
            || (input.Note?.Length ?? 0) > 500)
        {
            return null;
        }

        var items = new List<OrderItem>(input.Items.Count);
        foreach (var item in input.Items)
        {
            if (item is null || string.IsNullOrEmpty(item.Sku) || item.Quantity is < 1 or > 1000 || item.UnitPrice < 0)
            {
                return null;
            }

            items.Add(new OrderItem(item.Sku, item.Quantity, item.UnitPrice));
        }

        var total = Math.Round(items.Sum(item => item.Quantity * item.UnitPrice), 2);
        return new Order(Guid.CreateVersion7().ToString("N"), input.Customer, items, input.Note, total, "new", DateTime.UtcNow);
    }
}
