using FluentValidation;

namespace CleanSse.Application.Orders.Commands.ChangeOrderStatus;

public sealed class ChangeOrderStatusCommandValidator : AbstractValidator<ChangeOrderStatusCommand>
{
    public ChangeOrderStatusCommandValidator()
    {
        RuleFor(command => command.Id).NotEmpty();

        // Stop at the first failure: a missing status is reported as required, not also as an unknown name.
        RuleFor(command => command.Status)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("'status' is required.")
            .Must(status => OrderStatusNames.TryParse(status, out _))
            .WithMessage($"'status' must be one of: {string.Join(", ", OrderStatusNames.All)}.");
    }
}
