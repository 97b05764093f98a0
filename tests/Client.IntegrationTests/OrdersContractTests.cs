using System.Net;
using CleanSse.Client.Orders;

namespace CleanSse.Client.IntegrationTests;

/// <summary>
/// The typed client against the parts of the orders API that the contracts of issues #13 to #16 add: cursor paging,
/// the status and <c>changedSince</c> filters, <c>updatedAt</c>, <c>ETag</c>/<c>If-Match</c>, <c>Idempotency-Key</c>
/// and <c>/api/orders/stats</c>. They pass once the service implements those contracts; the trait lets them be run
/// on their own (<c>--filter-trait "Contract=orders-api"</c>).
/// </summary>
[Trait("Contract", "orders-api")]
public sealed class OrdersContractTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pages_are_newest_first_and_walking_them_yields_every_order_once_while_new_ones_arrive()
    {
        var orders = fixture.Orders();
        var created = new List<OrderDto>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await orders.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct));
        }

        var first = await orders.ListAsync(new OrderQuery { Limit = 2 }, Ct);
        var walked = new List<OrderDto>();
        await foreach (var order in orders.ListAllAsync(new OrderQuery { Limit = 2 }, Ct))
        {
            walked.Add(order);
            if (walked.Count == 1)
            {
                await orders.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct);
            }
        }

        first.Orders.Select(order => order.Id).ShouldBe([created[4].Id, created[3].Id]);
        first.Next.ShouldNotBeNullOrEmpty();
        walked.Select(order => order.Id).ShouldBeUnique();
        walked.Select(order => order.Id).ShouldBe(walked.Select(order => order.Id).OrderDescending(StringComparer.Ordinal));
        created.Select(order => order.Id).ShouldBeSubsetOf(walked.Select(order => order.Id));
    }

    [Fact]
    public async Task The_status_filter_lists_only_orders_in_that_status()
    {
        var orders = fixture.Orders();
        var paid = await orders.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct);
        await orders.ChangeStatusAsync(paid.Id, OrderStatus.Paid, cancellationToken: Ct);
        var unpaid = await orders.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct);

        var listed = await orders.ListAllAsync(new OrderQuery { Status = OrderStatus.Paid, Limit = 200 }, Ct).ToListAsync(Ct);

        listed.ShouldAllBe(order => order.Status == OrderStatus.Paid);
        listed.ShouldContain(order => order.Id == paid.Id);
        listed.ShouldNotContain(order => order.Id == unpaid.Id);
    }

    [Fact]
    public async Task Updated_at_starts_at_created_at_and_changed_since_lists_what_changed_from_then()
    {
        var orders = fixture.Orders();
        var changed = await orders.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct);
        var untouched = await orders.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct);
        await Task.Delay(20, Ct);
        var paid = await orders.ChangeStatusAsync(changed.Id, OrderStatus.Paid, cancellationToken: Ct);

        var since = paid.Order.UpdatedAt.ShouldNotBeNull();
        var listed = await orders.ListAllAsync(new OrderQuery { ChangedSince = since }, Ct).ToListAsync(Ct);

        changed.UpdatedAt.ShouldBe(changed.CreatedAt);
        since.ShouldBeGreaterThan(changed.CreatedAt);
        listed.ShouldContain(order => order.Id == changed.Id);
        listed.ShouldNotContain(order => order.Id == untouched.Id);
        listed.ShouldAllBe(order => order.UpdatedAt >= since);
    }

    [Fact]
    public async Task A_change_with_a_stale_if_match_is_a_precondition_failed_exception_and_changes_nothing()
    {
        var orders = fixture.Orders();
        var created = await orders.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct);
        var read = await orders.GetAsync(created.Id, Ct);

        var paid = await orders.ChangeStatusAsync(created.Id, OrderStatus.Paid, read.ETag, Ct);
        var refused = await Should.ThrowAsync<ApiPreconditionFailedException>(() =>
            orders.ChangeStatusAsync(created.Id, OrderStatus.Cancelled, read.ETag, Ct));
        var shipped = await orders.ChangeStatusAsync(created.Id, OrderStatus.Shipped, "*", Ct);

        read.ETag.ShouldNotBeNull().ShouldStartWith("\"");
        paid.ETag.ShouldNotBeNull().ShouldNotBe(read.ETag);
        refused.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        shipped.Order.Status.ShouldBe(OrderStatus.Shipped);
        shipped.ETag.ShouldNotBe(paid.ETag);
        (await orders.GetAsync(created.Id, Ct)).ETag.ShouldBe(shipped.ETag);
    }

    [Fact]
    public async Task A_create_repeated_with_its_idempotency_key_answers_the_first_order_and_another_body_is_refused()
    {
        var orders = fixture.Orders();
        var key = Guid.NewGuid().ToString("N");
        var input = ServiceFixture.NewOrder();

        var first = await orders.CreateAsync(input, key, Ct);
        var repeat = await orders.CreateAsync(input, key, Ct);
        var refused = await Should.ThrowAsync<ApiUnprocessableException>(() =>
            orders.CreateAsync(input with { Note = "another body" }, key, Ct));

        repeat.Id.ShouldBe(first.Id);
        refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableContent);
        var all = await orders.ListAllAsync(new OrderQuery { Limit = 200 }, Ct).ToListAsync(Ct);
        all.Count(order => order.Customer == input.Customer).ShouldBe(1);
    }

    [Theory]
    [InlineData(0, null, "limit")]
    [InlineData(201, null, "limit")]
    [InlineData(null, "lost", "status")]
    public async Task A_bad_parameter_is_a_validation_exception_keyed_by_its_name(int? limit, string? status, string parameter)
    {
        var refused = await Should.ThrowAsync<ApiValidationException>(() =>
            fixture.Orders().ListAsync(new OrderQuery { Limit = limit, Status = status }, Ct));

        refused.Errors.Keys.ShouldContain(parameter);
    }

    [Fact]
    public async Task Stats_count_every_order_and_the_revenue_of_those_not_cancelled()
    {
        var orders = fixture.Orders();
        var before = await orders.GetStatsAsync(Ct);
        var kept = await orders.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct);
        await orders.ChangeStatusAsync(kept.Id, OrderStatus.Paid, cancellationToken: Ct);
        var dropped = await orders.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct);
        await orders.ChangeStatusAsync(dropped.Id, OrderStatus.Cancelled, cancellationToken: Ct);
        await orders.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct);

        var after = await orders.GetStatsAsync(Ct);

        after.Count.ShouldBe(before.Count + 3);
        after.Revenue.ShouldBe(before.Revenue + 2 * 27.97m);
        after.ByStatus[OrderStatus.Paid].ShouldBe(before.ByStatus.GetValueOrDefault(OrderStatus.Paid) + 1);
        after.ByStatus[OrderStatus.Cancelled].ShouldBe(before.ByStatus.GetValueOrDefault(OrderStatus.Cancelled) + 1);
        after.ByStatus[OrderStatus.New].ShouldBe(before.ByStatus.GetValueOrDefault(OrderStatus.New) + 1);
        after.PerMinute.Sum(minute => minute.Count).ShouldBe(before.PerMinute.Sum(minute => minute.Count) + 3);
        after.PerMinute.ShouldAllBe(minute => minute.Minute.Second == 0 && minute.Count > 0);
    }
}
