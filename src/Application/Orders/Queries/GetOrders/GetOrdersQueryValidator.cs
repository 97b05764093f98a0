using FluentValidation;

namespace CleanSse.Application.Orders.Queries.GetOrders;

public sealed class GetOrdersQueryValidator : AbstractValidator<GetOrdersQuery>
{
    public GetOrdersQueryValidator()
    {
        RuleFor(query => query.Limit).InclusiveBetween(1, GetOrdersQuery.MaxLimit);
    }
}
