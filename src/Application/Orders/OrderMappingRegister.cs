using CleanSse.Domain.Orders;
using Mapster;

namespace CleanSse.Application.Orders;

public sealed class OrderMappingRegister : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);

        config.NewConfig<OrderLine, OrderItemDto>();
        config.NewConfig<Order, OrderDto>()
            .Map(dto => dto.Items, order => order.Lines)
            .Map(dto => dto.Status, order => OrderStatusNames.ToName(order.Status))
            .Map(dto => dto.CreatedAt, order => order.CreatedAt.UtcDateTime)
            .Map(dto => dto.UpdatedAt, order => order.UpdatedAt.UtcDateTime);
    }
}
