using FluentValidation;

namespace CleanSse.Application.Orders.Commands.ChangeOrderStatus;

public sealed class ChangeOrderStatusCommandValidator : AbstractValidator<ChangeOrderStatusCommand>
{
    public ChangeOrderStatusCommandValidator()
    {
        RuleFor(command => command.Id).NotEmpty();
        RuleFor(command => command.Status)
            .NotEmpty().WithMessage("'status' is required.")
            .Must(status => OrderStatusNames.TryParse(status, out _))
            .When(command => !string.IsNullOrEmpty(command.Status), ApplyConditionTo.CurrentValidator)
            .WithMessage($"'status' must be one of: {string.Join(", ", OrderStatusNames.All)}.");
    }
}
