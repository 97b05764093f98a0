using CleanSse.Domain.Common;

namespace CleanSse.Domain.Orders;

/// <summary>One line of an order: a value object, equal to any other line with the same values.</summary>
public sealed record OrderLine
{
    public OrderLine(string sku, int quantity, decimal unitPrice)
    {
        if (string.IsNullOrWhiteSpace(sku))
        {
            throw new DomainException("An order line needs a SKU.");
        }

        if (quantity <= 0)
        {
            throw new DomainException("An order line's quantity must be positive.");
        }

        if (unitPrice < 0)
        {
            throw new DomainException("An order line's unit price cannot be negative.");
        }

        Sku = sku;
        Quantity = quantity;
        UnitPrice = unitPrice;
    }

    public string Sku { get; }

    public int Quantity { get; }

    public decimal UnitPrice { get; }

    public decimal Subtotal => Quantity * UnitPrice;
}
