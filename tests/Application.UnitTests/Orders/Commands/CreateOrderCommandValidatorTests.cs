using CleanSse.Application.Orders.Commands.CreateOrder;
using FluentValidation.TestHelper;

namespace CleanSse.Application.UnitTests.Orders.Commands;

public sealed class CreateOrderCommandValidatorTests
{
    private static readonly CreateOrderItem ValidItem = new("BOOK-1", 2, 12.5m);

    private readonly CreateOrderCommandValidator _validator = new();

    public static TheoryData<decimal> ValidUnitPrices => [0m, 0.01m, 12.5m, CreateOrderCommandValidator.MaxUnitPrice];

    public static TheoryData<decimal> InvalidUnitPrices =>
        [-0.01m, -1m, CreateOrderCommandValidator.MaxUnitPrice + 0.01m, decimal.MaxValue];

    private static CreateOrderCommand ValidCommand => new("Ada", [ValidItem], "ring twice");

    [Fact]
    public void A_typical_command_is_valid()
    {
        _validator.TestValidate(ValidCommand).ShouldNotHaveAnyValidationErrors();
    }

    [Fact]
    public void A_command_at_every_upper_bound_is_valid()
    {
        var items = Enumerable.Range(0, 50)
            .Select(_ => new CreateOrderItem(new string('S', 64), 1000, CreateOrderCommandValidator.MaxUnitPrice))
            .ToList();

        var command = new CreateOrderCommand(new string('c', 100), items, new string('n', 500));

        _validator.TestValidate(command).ShouldNotHaveAnyValidationErrors();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public void A_customer_of_1_to_100_characters_is_accepted(int length)
    {
        var command = ValidCommand with { Customer = new string('c', length) };

        _validator.TestValidate(command).ShouldNotHaveValidationErrorFor(c => c.Customer);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void A_missing_customer_is_refused(string? customer)
    {
        var command = ValidCommand with { Customer = customer! };

        _validator.TestValidate(command)
            .ShouldHaveValidationErrorFor(c => c.Customer)
            .WithErrorMessage("'customer' is required.");
    }

    [Fact]
    public void A_customer_of_101_characters_is_refused()
    {
        var command = ValidCommand with { Customer = new string('c', 101) };

        _validator.TestValidate(command).ShouldHaveValidationErrorFor(c => c.Customer);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    public void One_to_fifty_items_are_accepted(int count)
    {
        var command = ValidCommand with { Items = Enumerable.Repeat(ValidItem, count).ToList() };

        _validator.TestValidate(command).ShouldNotHaveValidationErrorFor(c => c.Items);
    }

    [Fact]
    public void No_items_are_refused()
    {
        var command = ValidCommand with { Items = [] };

        _validator.TestValidate(command)
            .ShouldHaveValidationErrorFor(c => c.Items)
            .WithErrorMessage("'items' needs at least one item.");
    }

    [Fact]
    public void A_missing_item_list_is_refused()
    {
        var command = ValidCommand with { Items = null! };

        _validator.TestValidate(command).ShouldHaveValidationErrorFor(c => c.Items);
    }

    [Fact]
    public void Fifty_one_items_are_refused()
    {
        var command = ValidCommand with { Items = Enumerable.Repeat(ValidItem, 51).ToList() };

        _validator.TestValidate(command)
            .ShouldHaveValidationErrorFor(c => c.Items)
            .WithErrorMessage("'items' holds at most 50 items.");
    }

    [Fact]
    public void A_null_item_is_refused_by_its_position()
    {
        var command = ValidCommand with { Items = [ValidItem, null!] };

        var result = _validator.TestValidate(command);

        result.ShouldHaveValidationErrorFor("Items[1]").WithErrorMessage("An item cannot be null.");
        result.ShouldNotHaveValidationErrorFor("Items[0]");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void A_sku_of_1_to_64_characters_is_accepted(int length)
    {
        var command = WithItem(ValidItem with { Sku = new string('S', length) });

        _validator.TestValidate(command).ShouldNotHaveValidationErrorFor("Items[0].Sku");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    public void A_missing_sku_is_refused(string? sku)
    {
        var command = WithItem(ValidItem with { Sku = sku! });

        _validator.TestValidate(command).ShouldHaveValidationErrorFor("Items[0].Sku").WithErrorMessage("'sku' is required.");
    }

    [Fact]
    public void A_sku_of_65_characters_is_refused()
    {
        var command = WithItem(ValidItem with { Sku = new string('S', 65) });

        _validator.TestValidate(command).ShouldHaveValidationErrorFor("Items[0].Sku");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public void A_quantity_of_1_to_1000_is_accepted(int quantity)
    {
        var command = WithItem(ValidItem with { Quantity = quantity });

        _validator.TestValidate(command).ShouldNotHaveValidationErrorFor("Items[0].Quantity");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    [InlineData(int.MaxValue)]
    public void A_quantity_outside_1_to_1000_is_refused(int quantity)
    {
        var command = WithItem(ValidItem with { Quantity = quantity });

        _validator.TestValidate(command).ShouldHaveValidationErrorFor("Items[0].Quantity");
    }

    [Theory]
    [MemberData(nameof(ValidUnitPrices))]
    public void A_unit_price_from_zero_to_the_maximum_is_accepted(decimal unitPrice)
    {
        var command = WithItem(ValidItem with { UnitPrice = unitPrice });

        _validator.TestValidate(command).ShouldNotHaveValidationErrorFor("Items[0].UnitPrice");
    }

    [Theory]
    [MemberData(nameof(InvalidUnitPrices))]
    public void A_negative_or_too_large_unit_price_is_refused(decimal unitPrice)
    {
        var command = WithItem(ValidItem with { UnitPrice = unitPrice });

        _validator.TestValidate(command).ShouldHaveValidationErrorFor("Items[0].UnitPrice");
    }

    [Fact]
    public void Errors_of_an_item_are_reported_at_that_item_s_position()
    {
        var command = ValidCommand with { Items = [ValidItem, ValidItem, ValidItem with { Quantity = 0 }] };

        var result = _validator.TestValidate(command);

        result.ShouldHaveValidationErrorFor("Items[2].Quantity");
        result.ShouldNotHaveValidationErrorFor("Items[0].Quantity");
        result.ShouldNotHaveValidationErrorFor("Items[1].Quantity");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ring twice")]
    public void A_note_is_optional(string? note)
    {
        var command = ValidCommand with { Note = note };

        _validator.TestValidate(command).ShouldNotHaveValidationErrorFor(c => c.Note);
    }

    [Theory]
    [InlineData(500, false)]
    [InlineData(501, true)]
    public void A_note_holds_at_most_500_characters(int length, bool refused)
    {
        var command = ValidCommand with { Note = new string('n', length) };

        var result = _validator.TestValidate(command);

        if (refused)
        {
            result.ShouldHaveValidationErrorFor(c => c.Note);
        }
        else
        {
            result.ShouldNotHaveValidationErrorFor(c => c.Note);
        }
    }

    [Fact]
    public void A_missing_unit_price_is_refused_as_required_not_taken_as_free()
    {
        var result = _validator.TestValidate(WithItem(ValidItem with { UnitPrice = null }));

        result.ShouldHaveValidationErrorFor("Items[0].UnitPrice").WithErrorMessage("'unitPrice' is required.");
        result.Errors.Count.ShouldBe(1);
    }

    [Fact]
    public void A_missing_quantity_is_refused_as_required_not_as_out_of_range()
    {
        var result = _validator.TestValidate(WithItem(ValidItem with { Quantity = null }));

        result.ShouldHaveValidationErrorFor("Items[0].Quantity").WithErrorMessage("'quantity' is required.");
        result.Errors.Count.ShouldBe(1);
    }

    private static CreateOrderCommand WithItem(CreateOrderItem item) => ValidCommand with { Items = [item] };
}
