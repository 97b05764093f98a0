using System.Net;
using System.Text.Json;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Orders;

public sealed class OrderVersionFixture : ServiceHostFixture;

/// <summary>ETag and If-Match on an order (SPEC section 2): the version grows with every change, and a stale one is refused.</summary>
public sealed class OrderVersionTests(OrderVersionFixture fixture) : IClassFixture<OrderVersionFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private OrdersApiClient Orders => fixture.Host.Orders;

    [Fact]
    public async Task Get_and_patch_answer_a_strong_etag_that_changes_with_every_change()
    {
        var created = await Orders.CreateAsync(cancellationToken: Cancellation);

        var first = await EtagOfAsync(created.Id);
        first.ShouldBe("\"1\"");

        using var paid = await Orders.PatchStatusAsync(created.Id, "paid", Cancellation);
        await OrdersApiClient.ShouldHaveStatusAsync(paid, HttpStatusCode.OK, Cancellation);
        var second = paid.Headers.ETag;
        second.ShouldNotBeNull();
        second.IsWeak.ShouldBeFalse();
        second.Tag.ShouldNotBe(first);
        (await EtagOfAsync(created.Id)).ShouldBe(second.Tag);

        using var shipped = await Orders.PatchStatusAsync(created.Id, "shipped", second.Tag, Cancellation);
        await OrdersApiClient.ShouldHaveStatusAsync(shipped, HttpStatusCode.OK, Cancellation);
        shipped.Headers.ETag!.Tag.ShouldNotBe(second.Tag);
        shipped.Headers.ETag.Tag.ShouldNotBe(first);
        (await EtagOfAsync(created.Id)).ShouldBe(shipped.Headers.ETag.Tag);
    }

    [Theory]
    [InlineData("\"1\"")]
    [InlineData("W/\"2\"")]
    [InlineData("\"v2\"")]
    [InlineData("\"7\", \"1\"")]
    public async Task A_stale_if_match_is_412_and_changes_and_publishes_nothing(string ifMatch)
    {
        var created = await Orders.CreateAsync(cancellationToken: Cancellation);
        await Orders.ChangeStatusAsync(created.Id, "paid", Cancellation);
        var current = await Orders.GetAtAsync(new Uri($"{OrdersApiClient.OrdersPath}/{created.Id}", UriKind.Relative), Cancellation);
        var etag = await EtagOfAsync(created.Id);
        await using var stream = await SseReader.ConnectAsync(fixture.Host);

        using var response = await Orders.PatchStatusAsync(created.Id, "shipped", ifMatch, Cancellation);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        problem.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
        var stored = await Orders.GetAtAsync(new Uri($"{OrdersApiClient.OrdersPath}/{created.Id}", UriKind.Relative), Cancellation);
        OrdersApiClient.SameJson(current.Json, stored.Json).ShouldBeTrue();
        (await EtagOfAsync(created.Id)).ShouldBe(etag);

        var sentinel = await Orders.CreateAsync("after the refused change", cancellationToken: Cancellation);
        var next = await stream.ReadEventAsync();
        OrdersApiClient.SameJson(sentinel.Json, next.Data).ShouldBeTrue(stream.Transcript);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("\"2\"")]
    [InlineData("\"9\", \"2\"")]
    public async Task An_if_match_naming_the_current_version_or_any_applies(string ifMatch)
    {
        var created = await Orders.CreateAsync(cancellationToken: Cancellation);
        await Orders.ChangeStatusAsync(created.Id, "paid", Cancellation);

        using var response = await Orders.PatchStatusAsync(created.Id, "shipped", ifMatch, Cancellation);

        var shipped = await OrdersApiClient.ReadAsync(response, HttpStatusCode.OK, Cancellation);
        shipped.Status.ShouldBe("shipped");
        response.Headers.ETag!.Tag.ShouldBe("\"3\"");
    }

    [Fact]
    public async Task An_if_match_on_an_unknown_order_is_still_404()
    {
        using var response = await Orders.PatchStatusAsync("0123456789abcdef0123456789abcdef", "paid", "\"1\"", Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_transition_the_order_does_not_allow_is_409_even_with_the_current_version()
    {
        var created = await Orders.CreateAsync(cancellationToken: Cancellation);

        using var response = await Orders.PatchStatusAsync(created.Id, "shipped", "\"1\"", Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Racing_changes_with_the_same_if_match_let_exactly_one_win_and_the_other_gets_409_or_412()
    {
        for (var round = 0; round < 10; round++)
        {
            var created = await Orders.CreateAsync($"raced with if-match {round}", cancellationToken: Cancellation);
            await Orders.ChangeStatusAsync(created.Id, "paid", Cancellation);
            var etag = await EtagOfAsync(created.Id);

            using var other = fixture.Host.CreateClient();
            var shipping = Orders.PatchStatusAsync(created.Id, "shipped", etag, Cancellation);
            var cancelling = new OrdersApiClient(other).PatchStatusAsync(created.Id, "cancelled", etag, Cancellation);
            using var shipped = await shipping;
            using var cancelled = await cancelling;

            var statuses = new[] { shipped.StatusCode, cancelled.StatusCode };
            statuses.Count(status => status == HttpStatusCode.OK).ShouldBe(1, $"round {round}: {string.Join(", ", statuses)}");
            var loser = shipped.StatusCode == HttpStatusCode.OK ? cancelled : shipped;
            loser.StatusCode.ShouldBeOneOf(HttpStatusCode.PreconditionFailed, HttpStatusCode.Conflict);
            await loser.ShouldBeProblemAsync(loser.StatusCode);
        }
    }

    [Fact]
    public async Task The_stream_carries_updatedAt_as_the_rest_api_does()
    {
        var created = await Orders.CreateAsync(cancellationToken: Cancellation);
        await using var stream = await SseReader.ConnectAsync(fixture.Host);

        var paid = await Orders.ChangeStatusAsync(created.Id, "paid", Cancellation);

        var updated = await stream.ReadEventAsync();
        updated.EventType.ShouldBe("order-updated");
        updated.Data.ShouldBe(paid.Json);
        using var document = JsonDocument.Parse(updated.Data!);
        document.RootElement.GetProperty("updatedAt").GetString().ShouldNotBe(document.RootElement.GetProperty("createdAt").GetString());
    }

    private async Task<string> EtagOfAsync(string id)
    {
        using var response = await Orders.GetAsync(id, Cancellation);
        await OrdersApiClient.ShouldHaveStatusAsync(response, HttpStatusCode.OK, Cancellation);
        var etag = response.Headers.ETag;
        etag.ShouldNotBeNull("GET /api/orders/{id} answers an ETag");
        etag.IsWeak.ShouldBeFalse();
        return etag.Tag;
    }
}
