using CleanSse.Domain.Common;

namespace CleanSse.Domain.Orders;

/// <summary>
/// The order aggregate. It owns its lines and its status, and it alone decides which status changes are allowed.
/// </summary>
public sealed class Order
{
    private static readonly Dictionary<OrderStatus, OrderStatus[]> AllowedTransitions = new()
    {
        [OrderStatus.New] = [OrderStatus.Paid, OrderStatus.Cancelled],
        [OrderStatus.Paid] = [OrderStatus.Shipped, OrderStatus.Cancelled],
        [OrderStatus.Shipped] = [],
        [OrderStatus.Cancelled] = [],
    };

    private readonly List<OrderLine> _lines = [];

    // For the persistence layer's materializer only.
    private Order()
    {
        Id = string.Empty;
        CustomerId = string.Empty;
        Customer = string.Empty;
    }

    private Order(string id, string customerId, string customer, IEnumerable<OrderLine> lines, string? note, DateTimeOffset createdAt)
    {
        Id = id;
        CustomerId = customerId;
        Customer = customer;
        Note = note;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
        Version = 1;
        _lines.AddRange(lines);
        Total = ComputeTotal(_lines);
        Status = OrderStatus.New;
    }

    public string Id { get; private set; }

    /// <summary>The user who placed the order and owns it; <see cref="Customer"/> is only the name they gave.</summary>
    public string CustomerId { get; private set; }

    public string Customer { get; private set; }

    public string? Note { get; private set; }

    public IReadOnlyList<OrderLine> Lines => _lines;

    public decimal Total { get; private set; }

    public OrderStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the order last changed; its creation time until the first change.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Grows by one with every change, so a client can tell whether the order it holds is still current.</summary>
    public long Version { get; private set; }

    public static Order Create(string id, string customerId, string customer, IEnumerable<OrderLine> lines, string? note, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(lines);

        if (string.IsNullOrWhiteSpace(id))
        {
            throw new DomainException("An order needs an id.");
        }

        if (string.IsNullOrWhiteSpace(customerId))
        {
            throw new DomainException("An order needs the id of the customer who places it.");
        }

        if (string.IsNullOrWhiteSpace(customer))
        {
            throw new DomainException("An order needs a customer.");
        }

        var order = new Order(id, customerId, customer, lines, note, createdAt.ToUniversalTime());
        if (order._lines.Count == 0)
        {
            throw new DomainException("An order needs at least one line.");
        }

        return order;
    }

    /// <summary>
    /// The order as it was stored, for a store that reads it without an object mapper. Nothing is checked or computed
    /// again: what was saved passed the rules when it was created and changed.
    /// </summary>
    public static Order Restore(
        string id,
        string customerId,
        string customer,
        IEnumerable<OrderLine> lines,
        string? note,
        decimal total,
        OrderStatus status,
        DateTimeOffset createdAt,
        DateTimeOffset updatedAt,
        long version)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var order = new Order
        {
            Id = id,
            CustomerId = customerId,
            Customer = customer,
            Note = note,
            Total = total,
            Status = status,
            CreatedAt = createdAt,
            UpdatedAt = updatedAt,
            Version = version,
        };
        order._lines.AddRange(lines);
        return order;
    }

    /// <summary>Money is decimal end to end; the total is rounded to cents once, on the sum, half away from zero.</summary>
    public static decimal ComputeTotal(IEnumerable<OrderLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var sum = lines.Sum(line => line.Subtotal);
        return Math.Round(sum, 2, MidpointRounding.AwayFromZero);
    }

    public bool IsOwnedBy(string? userId) => userId is not null && string.Equals(CustomerId, userId, StringComparison.Ordinal);

    public bool CanChangeStatusTo(OrderStatus next) => AllowedTransitions[Status].Contains(next);

    public void ChangeStatus(OrderStatus next, DateTimeOffset changedAt)
    {
        if (!CanChangeStatusTo(next))
        {
            throw new InvalidOrderTransitionException(Id, Status, next);
        }

        Status = next;
        // A clock that stepped back must not make a change look older than the state it replaced.
        var at = changedAt.ToUniversalTime();
        UpdatedAt = at > UpdatedAt ? at : UpdatedAt;
        Version++;
    }
}
