namespace CleanSse.Domain.Orders;

public enum OrderStatus
{
    New,
    Paid,
    Shipped,
    Cancelled,
}
