using FluentValidation;

namespace CleanSse.Application.Orders.Queries.GetOrders;

/// <summary>Each failure is keyed by the query parameter it is about.</summary>
public sealed class GetOrdersQueryValidator : AbstractValidator<GetOrdersQuery>
{
    public GetOrdersQueryValidator()
    {
        RuleFor(query => query.Limit)
            .InclusiveBetween(1, GetOrdersQuery.MaxLimit)
            .WithMessage($"'limit' must be between 1 and {GetOrdersQuery.MaxLimit}.");

        RuleFor(query => query.After)
            .Must(after => after is null || OrderCursor.TryDecode(after, out _))
            .WithMessage("'after' must be the 'next' cursor of a previous page.");

        RuleFor(query => query.Status)
            .Must(status => status is null || OrderStatusNames.TryParse(status, out _))
            .WithMessage($"'status' must be one of: {string.Join(", ", OrderStatusNames.All)}.");
    }
}
