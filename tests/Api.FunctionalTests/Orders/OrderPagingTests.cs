using System.Net;
using System.Text.Json;
using CleanSse.Application.Common.Persistence;
using CleanSse.Domain.Orders;
using CleanSse.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Api.FunctionalTests.Orders;

public sealed class OrderPagingFixture : ServiceHostFixture;

/// <summary><c>GET /api/orders</c>: cursor pages, the status filter and changedSince (SPEC section 2, contracts).</summary>
public sealed class OrderPagingTests(OrderPagingFixture fixture) : IClassFixture<OrderPagingFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private OrdersApiClient Orders => fixture.Host.Orders;

    [Fact]
    public async Task Walking_the_pages_meets_every_order_once_while_orders_arrive() =>
        await OrderContractScenarios.PagingWalksEveryOrderOnceWhileOrdersArriveAsync(fixture.Host);

    [Fact]
    public async Task More_than_1000_orders_can_all_be_listed()
    {
        // Regression: the list stopped at the newest 1,000, so a client that reset could not reload older orders.
        // Stored straight through the repository: 1,001 POSTs would only make the test slow.
        var existing = (await Orders.ListAllAsync("limit=200", Cancellation)).Count;
        await using (var scope = fixture.Host.Services.CreateAsyncScope())
        {
            var repository = scope.ServiceProvider.GetRequiredService<IOrderRepository>();
            var start = DateTimeOffset.UtcNow.AddDays(-1);
            for (var i = 0; i < 1001; i++)
            {
                var createdAt = start.AddMilliseconds(i);
                repository.Add(Order.Create(Guid.CreateVersion7(createdAt).ToString("N"), "bulk-owner", $"bulk {i}", [new OrderLine("A", 1, 1m)], null, createdAt));
            }

            await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Cancellation);
        }

        var all = await Orders.ListAllAsync("limit=200", Cancellation);

        all.Count.ShouldBe(existing + 1001);
        all.Select(order => order.Id).Distinct(StringComparer.Ordinal).Count().ShouldBe(all.Count);
        all.Count(order => order.Customer.StartsWith("bulk ", StringComparison.Ordinal)).ShouldBe(1001);
    }

    [Fact]
    public async Task The_default_page_holds_50_orders_and_the_last_page_has_no_next()
    {
        for (var i = 0; i < 52; i++)
        {
            await Orders.CreateAsync($"default page {i}", cancellationToken: Cancellation);
        }

        using var response = await Orders.Http.GetAsync(new Uri(OrdersApiClient.OrdersPath, UriKind.Relative), Cancellation);
        var body = await OrdersApiClient.ShouldHaveStatusAsync(response, HttpStatusCode.OK, Cancellation);
        using var document = JsonDocument.Parse(body);
        document.RootElement.GetProperty("orders").GetArrayLength().ShouldBe(50);
        document.RootElement.GetProperty("next").GetString().ShouldNotBeNullOrEmpty();

        var second = await Orders.ListPageAsync(string.Empty, document.RootElement.GetProperty("next").GetString(), Cancellation);
        second.Orders.Count.ShouldBeGreaterThanOrEqualTo(2);
        using var last = await Orders.Http.GetAsync(new Uri($"{OrdersApiClient.OrdersPath}?limit=200&status=shipped", UriKind.Relative), Cancellation);
        using var lastDocument = JsonDocument.Parse(await last.Content.ReadAsStringAsync(Cancellation));
        lastDocument.RootElement.GetProperty("next").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(200)]
    public async Task A_limit_of_1_to_200_is_a_page_size(int limit)
    {
        await Orders.CreateAsync(cancellationToken: Cancellation);
        await Orders.CreateAsync(cancellationToken: Cancellation);

        var page = await Orders.ListPageAsync($"limit={limit}", cancellationToken: Cancellation);

        page.Orders.Count.ShouldBeInRange(1, limit);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=1000", "limit")]
    [InlineData("after=not-a-cursor", "after")]
    [InlineData("after=", "after")]
    [InlineData("status=PAID", "status")]
    [InlineData("status=refunded", "status")]
    [InlineData("status=", "status")]
    public async Task A_bad_parameter_is_a_validation_problem_keyed_by_its_name(string query, string parameter)
    {
        using var response = await Orders.Http.GetAsync(new Uri($"{OrdersApiClient.OrdersPath}?{query}", UriKind.Relative), Cancellation);

        await response.ShouldBeValidationProblemAsync(parameter);
    }

    [Theory]
    [InlineData("limit=abc")]
    [InlineData("changedSince=yesterday")]
    public async Task A_parameter_that_is_not_of_its_type_is_a_400_problem(string query)
    {
        using var response = await Orders.Http.GetAsync(new Uri($"{OrdersApiClient.OrdersPath}?{query}", UriKind.Relative), Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_status_filter_lists_only_orders_in_that_status_on_every_page()
    {
        var paid = new List<string>();
        var others = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var order = await Orders.CreateAsync($"status filter {i}", cancellationToken: Cancellation);
            if (i % 3 == 0)
            {
                await Orders.ChangeStatusAsync(order.Id, "paid", Cancellation);
                paid.Add(order.Id);
            }
            else
            {
                others.Add(order.Id);
            }
        }

        var listed = await Orders.ListAllAsync("status=paid&limit=2", Cancellation);

        listed.ShouldAllBe(order => order.Status == "paid");
        paid.ShouldBeSubsetOf(listed.Select(order => order.Id));
        listed.Select(order => order.Id).Intersect(others).ShouldBeEmpty();
        (await Orders.ListAllAsync("status=new&limit=200", Cancellation)).Select(order => order.Id).Intersect(paid).ShouldBeEmpty();
    }

    [Fact]
    public async Task ChangedSince_lists_every_order_changed_at_or_after_the_instant_and_no_older_one()
    {
        var old = await Orders.CreateAsync("changed since: old", cancellationToken: Cancellation);
        var changedLater = await Orders.CreateAsync("changed since: changed later", cancellationToken: Cancellation);
        await Task.Delay(20, Cancellation);
        var mark = await Orders.CreateAsync("changed since: mark", cancellationToken: Cancellation);
        var since = UpdatedAt(mark.Json);
        var newer = await Orders.CreateAsync("changed since: newer", cancellationToken: Cancellation);
        var paid = await Orders.ChangeStatusAsync(changedLater.Id, "paid", Cancellation);
        UpdatedAt(paid.Json).ShouldBeGreaterThanOrEqualTo(since);

        var query = $"changedSince={Uri.EscapeDataString(since.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}";
        var listed = (await Orders.ListAllAsync($"{query}&limit=1", Cancellation)).Select(order => order.Id).ToList();

        listed.ShouldContain(mark.Id, "at the instant itself");
        listed.ShouldContain(newer.Id);
        listed.ShouldContain(changedLater.Id, "created before, changed after");
        listed.ShouldNotContain(old.Id);

        var paidSince = (await Orders.ListAllAsync($"{query}&status=paid", Cancellation)).Select(order => order.Id).ToList();
        paidSince.ShouldContain(changedLater.Id);
        paidSince.ShouldNotContain(newer.Id);
    }

    [Fact]
    public async Task Every_order_json_carries_updatedAt_equal_to_createdAt_until_its_first_change()
    {
        var created = await Orders.CreateAsync(cancellationToken: Cancellation);
        UpdatedAt(created.Json).ShouldBe(created.CreatedAt);
        created.Json.ShouldContain("\"updatedAt\":\"");

        var listed = (await Orders.ListPageAsync(cancellationToken: Cancellation)).Orders.First(order => order.Id == created.Id);
        OrdersApiClient.SameJson(created.Json, listed.Json).ShouldBeTrue();

        var paid = await Orders.ChangeStatusAsync(created.Id, "paid", Cancellation);
        UpdatedAt(paid.Json).ShouldBeGreaterThan(created.CreatedAt);
        paid.CreatedAt.ShouldBe(created.CreatedAt);
    }

    [Fact]
    public async Task A_customer_pages_through_their_own_orders_only()
    {
        var customer = TestUsers.NewCustomer();
        await fixture.Host.Clients.RegisterAsync(customer, Cancellation);
        using var http = fixture.Host.Clients.CreateFor(await fixture.Host.Clients.LoginAsync(customer, Cancellation));
        var theirs = new OrdersApiClient(http);
        var own = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            own.Add((await theirs.CreateAsync($"customer's {i}", cancellationToken: Cancellation)).Id);
            await Orders.CreateAsync($"staff's {i}", cancellationToken: Cancellation);
        }

        var listed = await theirs.ListAllAsync("limit=2", Cancellation);

        listed.Select(order => order.Id).ShouldBe(own.AsEnumerable().Reverse());
        (await theirs.ListAllAsync("status=new&limit=200", Cancellation)).Count.ShouldBe(5);
        (await Orders.ListAllAsync("limit=200", Cancellation)).Select(order => order.Id).ShouldContain(own[0]);
    }

    private static DateTimeOffset UpdatedAt(string json)
    {
        using var document = JsonDocument.Parse(json);
        var text = document.RootElement.GetProperty("updatedAt").GetString()!;
        text.ShouldEndWith("Z", customMessage: "updatedAt is ISO 8601 UTC");
        return DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }
}
