using CleanSse.Application.Common.Idempotency;
using FluentValidation;

namespace CleanSse.Application.Orders.Commands.CreateOrder;

public sealed class CreateOrderCommandValidator : AbstractValidator<CreateOrderCommand>
{
    public const int CustomerMaxLength = 100;
    public const int MaxItems = 50;
    public const int SkuMaxLength = 64;
    public const int MaxQuantity = 1000;
    public const int NoteMaxLength = 500;

    // Far above any real price, and low enough that 50 lines of 1,000 units can never overflow a decimal.
    public const decimal MaxUnitPrice = 1_000_000_000_000m;

    public CreateOrderCommandValidator()
    {
        RuleFor(command => command.Customer)
            .NotEmpty().WithMessage("'customer' is required.")
            .MaximumLength(CustomerMaxLength);

        RuleFor(command => command.Items)
            .NotEmpty().WithMessage("'items' needs at least one item.")
            .Must(items => items is null || items.Count <= MaxItems)
            .WithMessage($"'items' holds at most {MaxItems} items.");

        RuleForEach(command => command.Items)
            .NotNull().WithMessage("An item cannot be null.")
            .ChildRules(item =>
            {
                item.RuleFor(i => i!.Sku).NotEmpty().WithMessage("'sku' is required.").MaximumLength(SkuMaxLength);
                item.RuleFor(i => i!.Quantity)
                    .Cascade(CascadeMode.Stop)
                    .NotNull().WithMessage("'quantity' is required.")
                    .InclusiveBetween(1, MaxQuantity);
                item.RuleFor(i => i!.UnitPrice)
                    .Cascade(CascadeMode.Stop)
                    .NotNull().WithMessage("'unitPrice' is required.")
                    .InclusiveBetween(0m, MaxUnitPrice);
            });

        RuleFor(command => command.Note).MaximumLength(NoteMaxLength);

        RuleFor(command => command.IdempotencyKey)
            .Must(key => key is null || IdempotencyKeys.IsValid(key))
            .OverridePropertyName("idempotency-key")
            .WithMessage($"The Idempotency-Key header must be 1 to {IdempotencyKeys.MaxLength} printable ASCII characters.");
    }
}
