using System.Net;
using System.Text;
using CleanSse.Client.Orders;
using CleanSse.Client.Tests.TestKit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Client.Tests;

/// <summary>
/// The typed REST client against scripted answers: what it sends, how it reads pages, versions and stats, and which
/// exception each problem becomes. Its behaviour against the real service is in the integration tests.
/// </summary>
public sealed class OrdersClientTests
{
    private const string OrderJson =
        """{"id":"o-1","customerId":"u-1","customer":"Ada","items":[{"sku":"BOOK-1","quantity":2,"unitPrice":12.5}],"note":null,"total":25.00,"status":"new","createdAt":"2026-11-24T04:26:38.123Z","updatedAt":"2026-11-24T04:30:00Z"}""";

    private static string Order(string id, string updatedAt = "2026-11-24T04:30:00Z") =>
        OrderJson.Replace("\"o-1\"", $"\"{id}\"", StringComparison.Ordinal)
            .Replace("\"updatedAt\":\"2026-11-24T04:30:00Z\"", $"\"updatedAt\":\"{updatedAt}\"", StringComparison.Ordinal);

    private static async Task RespondAsync(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body));
    }

    private static OrdersClient ClientOf(ScriptedServer server, out HttpClient http)
    {
        http = new HttpClient { BaseAddress = server.BaseAddress };
        return new OrdersClient(http);
    }

    [Fact]
    public async Task Create_posts_the_order_with_the_idempotency_key_and_reads_the_stored_order()
    {
        string? body = null;
        await using var server = await ScriptedServer.StartAsync(async (context, _) =>
        {
            body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            await RespondAsync(context, 201, OrderJson);
        });
        var client = ClientOf(server, out var http);
        using var _ = http;

        var order = await client.CreateAsync(
            new NewOrder("Ada", [new OrderItemDto("BOOK-1", 2, 12.5m)]), "key-1", TestContext.Current.CancellationToken);

        var request = await server.NextRequestAsync();
        request.Path.ShouldBe("/api/orders");
        request.Header("Idempotency-Key").ShouldBe("key-1");
        body.ShouldBe("""{"customer":"Ada","items":[{"sku":"BOOK-1","quantity":2,"unitPrice":12.5}],"note":null}""");
        order.Id.ShouldBe("o-1");
        order.CustomerId.ShouldBe("u-1");
        order.UpdatedAt.ShouldBe(new DateTimeOffset(2026, 11, 24, 4, 30, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task List_sends_every_parameter_and_the_walk_follows_next_until_null()
    {
        await using var server = await ScriptedServer.StartAsync((context, number) => number switch
        {
            1 => RespondAsync(context, 200, $$"""{"orders":[{{Order("o-5")}},{{Order("o-4")}}],"next":"c 2/+"}"""),
            2 => RespondAsync(context, 200, $$"""{"orders":[{{Order("o-3")}},{{Order("o-2")}}],"next":"c4"}"""),
            _ => RespondAsync(context, 200, $$"""{"orders":[{{Order("o-1")}}],"next":null}"""),
        });
        var client = ClientOf(server, out var http);
        using var _ = http;
        var query = new OrderQuery
        {
            Limit = 2,
            Status = OrderStatus.Paid,
            ChangedSince = new DateTimeOffset(2026, 12, 2, 8, 31, 0, 500, TimeSpan.FromHours(1)),
        };

        var orders = await client.ListAllAsync(query, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        orders.Select(order => order.Id).ShouldBe(["o-5", "o-4", "o-3", "o-2", "o-1"]);
        (await server.NextRequestAsync()).Path.ShouldBe("/api/orders?limit=2&status=paid&changedSince=2026-12-02T07%3A31%3A00.5000000Z");
        (await server.NextRequestAsync()).Path.ShouldBe("/api/orders?limit=2&after=c%202%2F%2B&status=paid&changedSince=2026-12-02T07%3A31%3A00.5000000Z");
        (await server.NextRequestAsync()).Path.ShouldBe("/api/orders?limit=2&after=c4&status=paid&changedSince=2026-12-02T07%3A31%3A00.5000000Z");
        server.RequestCount.ShouldBe(3);
    }

    [Fact]
    public async Task A_list_without_a_next_cursor_is_one_page()
    {
        await using var server = await ScriptedServer.StartAsync((context, _) =>
            RespondAsync(context, 200, $$"""{"orders":[{{Order("o-1")}}]}"""));
        var client = ClientOf(server, out var http);
        using var _ = http;

        var page = await client.ListAsync(cancellationToken: TestContext.Current.CancellationToken);
        var all = await client.ListAllAsync(cancellationToken: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        page.Next.ShouldBeNull();
        page.Orders.ShouldHaveSingleItem().Id.ShouldBe("o-1");
        all.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Get_and_change_status_carry_the_version()
    {
        await using var server = await ScriptedServer.StartAsync((context, number) =>
        {
            context.Response.Headers.ETag = number == 1 ? "\"3\"" : "\"4\"";
            return RespondAsync(context, 200, OrderJson);
        });
        var client = ClientOf(server, out var http);
        using var _ = http;

        var read = await client.GetAsync("o/1", TestContext.Current.CancellationToken);
        var changed = await client.ChangeStatusAsync("o/1", OrderStatus.Paid, read.ETag, TestContext.Current.CancellationToken);

        read.ETag.ShouldBe("\"3\"");
        (await server.NextRequestAsync()).Path.ShouldBe("/api/orders/o%2F1");
        var patch = await server.NextRequestAsync();
        patch.Header("If-Match").ShouldBe("\"3\"");
        changed.ETag.ShouldBe("\"4\"");
    }

    [Fact]
    public async Task Stats_are_read_as_typed_counts()
    {
        await using var server = await ScriptedServer.StartAsync((context, _) => RespondAsync(context, 200, """
            {"count":3,"revenue":52.97,"byStatus":{"new":1,"paid":1,"shipped":0,"cancelled":1},
             "perMinute":[{"minute":"2026-12-02T07:31:00Z","count":2},{"minute":"2026-12-02T07:33:00Z","count":1}]}
            """));
        var client = ClientOf(server, out var http);
        using var _ = http;

        var stats = await client.GetStatsAsync(TestContext.Current.CancellationToken);

        (await server.NextRequestAsync()).Path.ShouldBe("/api/orders/stats");
        stats.Count.ShouldBe(3);
        stats.Revenue.ShouldBe(52.97m);
        stats.ByStatus[OrderStatus.Cancelled].ShouldBe(1);
        stats.PerMinute.ShouldBe([
            new OrdersInMinute(new DateTimeOffset(2026, 12, 2, 7, 31, 0, TimeSpan.Zero), 2),
            new OrdersInMinute(new DateTimeOffset(2026, 12, 2, 7, 33, 0, TimeSpan.Zero), 1),
        ]);
    }

    [Theory]
    [InlineData(400, typeof(ApiValidationException))]
    [InlineData(401, typeof(ApiUnauthorizedException))]
    [InlineData(403, typeof(ApiForbiddenException))]
    [InlineData(404, typeof(ApiNotFoundException))]
    [InlineData(409, typeof(ApiConflictException))]
    [InlineData(412, typeof(ApiPreconditionFailedException))]
    [InlineData(422, typeof(ApiUnprocessableException))]
    [InlineData(413, typeof(ApiProblemException))]
    [InlineData(503, typeof(ApiProblemException))]
    public async Task Each_problem_becomes_the_exception_of_its_status(int status, Type expected)
    {
        await using var server = await ScriptedServer.StartAsync((context, _) => RespondAsync(
            context,
            status,
            $$$"""{"type":"https://tools.ietf.org/html/rfc9110","title":"Refused","status":{{{status}}},"detail":"Because.","errors":{"customer":["Too long."],"items[0].sku":["Empty.","Odd."]}}""",
            "application/problem+json"));
        var client = ClientOf(server, out var http);
        using var _ = http;

        var exception = await Should.ThrowAsync<ApiProblemException>(() => client.GetAsync("o-1", TestContext.Current.CancellationToken));

        exception.GetType().ShouldBe(expected);
        exception.StatusCode.ShouldBe((HttpStatusCode)status);
        exception.Problem!.Title.ShouldBe("Refused");
        exception.Problem.Detail.ShouldBe("Because.");
        exception.Problem.Type.ShouldBe("https://tools.ietf.org/html/rfc9110");
        exception.Message.ShouldContain($"{status} Refused: Because.");
        if (exception is ApiValidationException validation)
        {
            validation.Errors["customer"].ShouldBe(["Too long."]);
            validation.Errors["items[0].sku"].ShouldBe(["Empty.", "Odd."]);
        }
    }

    [Fact]
    public async Task An_error_that_is_not_problem_details_keeps_its_status_and_words()
    {
        await using var server = await ScriptedServer.StartAsync((context, _) =>
            RespondAsync(context, 502, "<html>Bad gateway</html>", "text/html"));
        var client = ClientOf(server, out var http);
        using var _ = http;

        var exception = await Should.ThrowAsync<ApiProblemException>(() => client.ListAsync(cancellationToken: TestContext.Current.CancellationToken));

        exception.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        exception.Problem!.Title.ShouldBe("Bad Gateway");
        exception.Problem.Detail.ShouldBe("<html>Bad gateway</html>");
    }

    [Fact]
    public async Task Reload_after_a_reset_with_changed_since_reads_the_changes_and_merges_them()
    {
        await using var server = await ScriptedServer.StartAsync((context, _) => RespondAsync(
            context, 200, $$"""{"orders":[{{Order("o-2", "2026-12-02T07:40:00Z")}},{{Order("o-1", "2026-12-02T07:35:00Z")}}],"next":null}"""));
        var client = ClientOf(server, out var http);
        using var _ = http;
        var since = new DateTimeOffset(2026, 12, 2, 7, 31, 0, TimeSpan.Zero);
        var reset = (StreamReset)OrderEvents.Parse(new SseEvent(
            "reset", """{"reason":"history-gap","lastEventId":"9","changedSince":"2026-12-02T07:31:00Z"}""", "10"))!;

        var reload = await client.ReloadAsync(reset, TestContext.Current.CancellationToken);

        reset.ChangedSince.ShouldBe(since);
        (await server.NextRequestAsync()).Path.ShouldBe("/api/orders?limit=200&changedSince=2026-12-02T07%3A31%3A00.0000000Z");
        reload.IsComplete.ShouldBeFalse();
        var newerThanReload = OrderWith("o-1", "2026-12-02T07:50:00Z");
        var held = new Dictionary<string, OrderDto>
        {
            ["o-0"] = OrderWith("o-0", "2026-12-02T07:00:00Z"),
            ["o-1"] = newerThanReload,
        };
        reload.ApplyTo(held);
        held.Keys.Order().ShouldBe(["o-0", "o-1", "o-2"]);
        held["o-1"].ShouldBeSameAs(newerThanReload);
    }

    [Fact]
    public async Task Reload_after_a_reset_without_changed_since_replaces_everything()
    {
        await using var server = await ScriptedServer.StartAsync((context, _) => RespondAsync(
            context, 200, $$"""{"orders":[{{Order("o-2")}}],"next":null}"""));
        var client = ClientOf(server, out var http);
        using var _ = http;
        var reset = (StreamReset)OrderEvents.Parse(new SseEvent(
            "reset", """{"reason":"history-gap","lastEventId":"9","changedSince":null}""", "10"))!;

        var reload = await client.ReloadAsync(reset, TestContext.Current.CancellationToken);

        (await server.NextRequestAsync()).Path.ShouldBe("/api/orders?limit=200");
        reload.IsComplete.ShouldBeTrue();
        var held = new Dictionary<string, OrderDto> { ["o-0"] = OrderWith("o-0", "2026-12-02T07:00:00Z") };
        reload.ApplyTo(held);
        held.Keys.ShouldBe(["o-2"]);
    }

    [Fact]
    public async Task Added_to_services_both_clients_share_the_token_provider_and_the_stream_has_no_timeout()
    {
        var tokens = 0;
        await using var server = await ScriptedServer.StartAsync((context, _) =>
            context.Request.Path == "/root/api/events"
                ? ScriptedServer.WriteStreamAsync(context, "data: {\"type\":\"connected\"}\n\n")
                : RespondAsync(context, 200, """{"orders":[],"next":null}"""));
        var services = new ServiceCollection();
        services.AddCleanSseClient(options =>
        {
            options.BaseAddress = new Uri(server.BaseAddress, "/root");
            options.AccessTokenProvider = (_, _) => ValueTask.FromResult<string?>($"token-{Interlocked.Increment(ref tokens)}");
            options.Stream = options.Stream with { Reconnect = false };
        });
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<OrdersClient>().ListAsync(cancellationToken: TestContext.Current.CancellationToken);
        var stream = provider.GetRequiredService<SseClient>();
        var events = await Streams.CollectAsync(stream);

        var list = await server.NextRequestAsync();
        list.Path.ShouldBe("/root/api/orders");
        list.Header("Authorization").ShouldBe("Bearer token-1");
        var connect = await server.NextRequestAsync();
        connect.Path.ShouldBe("/root/api/events");
        connect.Header("Authorization").ShouldBe("Bearer token-2");
        events.ShouldHaveSingleItem().Data.ShouldBe("{\"type\":\"connected\"}");
        stream.Options.IdleTimeout.ShouldBe(TimeSpan.FromSeconds(75));
        provider.GetRequiredService<IHttpClientFactory>().CreateClient(CleanSseClientServiceCollectionExtensions.StreamClientName)
            .Timeout.ShouldBe(Timeout.InfiniteTimeSpan);
    }

    private static OrderDto OrderWith(string id, string updatedAt) =>
        new(id, "Ada", [], null, 0m, OrderStatus.New, DateTimeOffset.Parse("2026-12-02T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture))
        {
            UpdatedAt = DateTimeOffset.Parse(updatedAt, System.Globalization.CultureInfo.InvariantCulture),
        };
}
