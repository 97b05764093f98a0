using System.Net;
using System.Text.Json;
using CleanSse.Application.Orders.Commands.CreateOrder;

namespace CleanSse.Api.FunctionalTests.Orders;

/// <summary>
/// The dashboard's form takes its limits from one module, limits.js; it must say what the validator enforces, so a
/// changed rule cannot leave the form checking the old one.
/// </summary>
public sealed class DashboardLimitsTests(OrdersApiFixture fixture) : IClassFixture<OrdersApiFixture>
{
    [Fact]
    public async Task The_dashboards_limits_module_holds_the_validators_limits()
    {
        using var client = fixture.Host.CreateClient();
        using var response = await client.GetAsync("/limits.js", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/javascript");
        var script = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        // The module's one object is written as JSON so that it can be read here without running it.
        const string Start = "export const limits = Object.freeze(";
        var start = script.IndexOf(Start, StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, "limits.js exports its limits as Object.freeze({...})");
        var end = script.IndexOf(");", start, StringComparison.Ordinal);
        using var limits = JsonDocument.Parse(script[(start + Start.Length)..end]);
        var values = limits.RootElement.EnumerateObject().ToDictionary(property => property.Name, property => property.Value.GetDecimal());

        values.Keys.ShouldBe(
            ["customerMaxLength", "maxItems", "skuMaxLength", "minQuantity", "maxQuantity", "minUnitPrice", "maxUnitPrice", "noteMaxLength"],
            ignoreOrder: true);
        values["customerMaxLength"].ShouldBe(CreateOrderCommandValidator.CustomerMaxLength);
        values["maxItems"].ShouldBe(CreateOrderCommandValidator.MaxItems);
        values["skuMaxLength"].ShouldBe(CreateOrderCommandValidator.SkuMaxLength);
        values["maxQuantity"].ShouldBe(CreateOrderCommandValidator.MaxQuantity);
        values["maxUnitPrice"].ShouldBe(CreateOrderCommandValidator.MaxUnitPrice);
        values["noteMaxLength"].ShouldBe(CreateOrderCommandValidator.NoteMaxLength);

        // The lower bounds have no constant of their own: the validator itself says where they are.
        var quantity = decimal.ToInt32(values["minQuantity"]);
        IsValid(new CreateOrderItem("SKU", quantity, 1m)).ShouldBeTrue();
        IsValid(new CreateOrderItem("SKU", quantity - 1, 1m)).ShouldBeFalse();
        IsValid(new CreateOrderItem("SKU", 1, values["minUnitPrice"])).ShouldBeTrue();
        IsValid(new CreateOrderItem("SKU", 1, values["minUnitPrice"] - 0.01m)).ShouldBeFalse();
    }

    private static bool IsValid(CreateOrderItem item) =>
        new CreateOrderCommandValidator().Validate(new CreateOrderCommand("Ada", [item], null)).IsValid;
}
