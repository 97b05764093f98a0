using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Orders;

/// <summary>Section 2 of the contract: every route of the orders API, its answers and its errors, over real HTTP.</summary>
public sealed class OrdersApiTests(OrdersApiFixture fixture) : IClassFixture<OrdersApiFixture>, IDisposable
{
    private const int MaxBodyBytes = 64 * 1024;

    private readonly HttpClient _client = fixture.Host.CreateClient();

    private OrdersApiClient OrdersApi => new(_client);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> InvalidOrders => new()
    {
        { """{"items":[{"sku":"A","quantity":1,"unitPrice":1}]}""", "customer" },
        { """{"customer":"","items":[{"sku":"A","quantity":1,"unitPrice":1}]}""", "customer" },
        { """{"customer":"   ","items":[{"sku":"A","quantity":1,"unitPrice":1}]}""", "customer" },
        { $$"""{"customer":"{{new string('c', 101)}}","items":[{"sku":"A","quantity":1,"unitPrice":1}]}""", "customer" },
        { """{"customer":"Ada"}""", "items" },
        { """{"customer":"Ada","items":[]}""", "items" },
        { $$"""{"customer":"Ada","items":[{{string.Join(',', Enumerable.Repeat("""{"sku":"A","quantity":1,"unitPrice":1}""", 51))}}]}""", "items" },
        { """{"customer":"Ada","items":[null]}""", "items[0]" },
        { """{"customer":"Ada","items":[{"sku":"","quantity":1,"unitPrice":1}]}""", "items[0].sku" },
        { """{"customer":"Ada","items":[{"quantity":1,"unitPrice":1}]}""", "items[0].sku" },
        { $$"""{"customer":"Ada","items":[{"sku":"{{new string('s', 65)}}","quantity":1,"unitPrice":1}]}""", "items[0].sku" },
        { """{"customer":"Ada","items":[{"sku":"A","quantity":0,"unitPrice":1}]}""", "items[0].quantity" },
        { """{"customer":"Ada","items":[{"sku":"A","quantity":-3,"unitPrice":1}]}""", "items[0].quantity" },
        { """{"customer":"Ada","items":[{"sku":"A","quantity":1001,"unitPrice":1}]}""", "items[0].quantity" },
        { """{"customer":"Ada","items":[{"sku":"A","quantity":1,"unitPrice":1},{"sku":"B","quantity":1,"unitPrice":-0.01}]}""", "items[1].unitPrice" },
        { $$"""{"customer":"Ada","items":[{"sku":"A","quantity":1,"unitPrice":1}],"note":"{{new string('n', 501)}}"}""", "note" },
    };

    public static TheoryData<string> MalformedBodies => new()
    {
        """{"customer":"Ada","items":[""",
        """{"customer":"Ada" "items":[]}""",
        "not json at all",
        """{"customer":"Ada","items":[{"sku":"A","quantity":"2","unitPrice":1}]}""",
        """{"customer":"Ada","items":[{"sku":"A","quantity":1.5,"unitPrice":1}]}""",
        """{"customer":"Ada","items":[{"sku":"A","quantity":1,"unitPrice":"cheap"}]}""",
        """{"customer":["Ada"],"items":[{"sku":"A","quantity":1,"unitPrice":1}]}""",
    };

    public static TheoryData<string[]> AllowedTransitions => new()
    {
        new[] { "paid" },
        new[] { "paid", "shipped" },
        new[] { "cancelled" },
        new[] { "paid", "cancelled" },
    };

    public static TheoryData<string[], string> RefusedTransitions => new()
    {
        { Array.Empty<string>(), "new" },
        { Array.Empty<string>(), "shipped" },
        { new[] { "paid" }, "paid" },
        { new[] { "paid" }, "new" },
        { new[] { "paid", "shipped" }, "cancelled" },
        { new[] { "paid", "shipped" }, "paid" },
        { new[] { "paid", "shipped" }, "new" },
        { new[] { "cancelled" }, "paid" },
        { new[] { "cancelled" }, "new" },
        { new[] { "paid", "cancelled" }, "shipped" },
    };

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Post_creates_the_order_and_answers_201_with_it_and_its_location()
    {
        var before = DateTime.UtcNow;
        using var response = await _client.PostAsJsonAsync(OrdersApiClient.OrdersPath, OrdersApiClient.NewOrder("Grace Hopper", "ring twice"), Cancellation);
        var after = DateTime.UtcNow;

        var json = await response.Content.ReadAsStringAsync(Cancellation);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, json);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        using var document = JsonDocument.Parse(json);
        var order = document.RootElement;
        var id = order.GetProperty("id").GetString();
        id.ShouldNotBeNullOrWhiteSpace();
        order.GetProperty("customer").GetString().ShouldBe("Grace Hopper");
        order.GetProperty("note").GetString().ShouldBe("ring twice");
        order.GetProperty("status").GetString().ShouldBe("new");
        order.GetProperty("total").GetDecimal().ShouldBe(27.97m);
        var items = order.GetProperty("items").EnumerateArray().ToList();
        items.Count.ShouldBe(2);
        items[0].GetProperty("sku").GetString().ShouldBe("BOOK-1");
        items[0].GetProperty("quantity").GetInt32().ShouldBe(2);
        items[0].GetProperty("unitPrice").GetDecimal().ShouldBe(12.5m);

        var createdAtText = order.GetProperty("createdAt").GetString()!;
        createdAtText.ShouldEndWith("Z", customMessage: "createdAt is ISO 8601 UTC");
        var createdAt = DateTime.Parse(createdAtText, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        createdAt.ShouldBeInRange(before.AddSeconds(-1), after.AddSeconds(1));

        var location = response.Headers.Location;
        location.ShouldNotBeNull();
        location.ToString().ShouldEndWith($"/api/orders/{id}");
        using var fetched = await _client.GetAsync(location, Cancellation);
        fetched.StatusCode.ShouldBe(HttpStatusCode.OK);
        OrdersApiClient.SameJson(json, await fetched.Content.ReadAsStringAsync(Cancellation)).ShouldBeTrue();
    }

    [Fact]
    public async Task Post_rounds_the_total_to_cents()
    {
        var body = """{"customer":"Ada","items":[{"sku":"A","quantity":3,"unitPrice":0.335},{"sku":"B","quantity":1,"unitPrice":0.0001}]}""";
        using var response = await _client.PostAsync(OrdersApiClient.OrdersPath, OrdersApiClient.Json(body), Cancellation);

        var json = await response.Content.ReadAsStringAsync(Cancellation);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, json);
        using var document = JsonDocument.Parse(json);
        // 3 x 0.335 + 0.0001 = 1.0051, rounded once on the sum.
        document.RootElement.GetProperty("total").GetDecimal().ShouldBe(1.01m);
    }

    [Fact]
    public async Task Post_accepts_every_limit_of_the_input_itself()
    {
        var items = Enumerable.Range(0, 50)
            .Select(i => new { sku = i == 0 ? new string('s', 64) : "A", quantity = i == 0 ? 1000 : 1, unitPrice = 0m })
            .ToArray();
        var body = new { customer = new string('c', 100), items, note = new string('n', 500) };

        using var response = await _client.PostAsJsonAsync(OrdersApiClient.OrdersPath, body, Cancellation);

        var json = await response.Content.ReadAsStringAsync(Cancellation);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, json);
        using var document = JsonDocument.Parse(json);
        document.RootElement.GetProperty("items").GetArrayLength().ShouldBe(50);
        document.RootElement.GetProperty("total").GetDecimal().ShouldBe(0m);
    }

    [Fact]
    public async Task Post_accepts_a_single_character_customer_and_sku()
    {
        using var response = await _client.PostAsync(
            OrdersApiClient.OrdersPath, OrdersApiClient.Json("""{"customer":"A","items":[{"sku":"B","quantity":1,"unitPrice":0.01}]}"""), Cancellation);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Theory]
    [MemberData(nameof(InvalidOrders))]
    public async Task Post_refuses_invalid_input_with_errors_keyed_by_field(string body, string field)
    {
        using var response = await _client.PostAsync(OrdersApiClient.OrdersPath, OrdersApiClient.Json(body), Cancellation);

        await response.ShouldBeValidationProblemAsync(field);
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Post_refuses_malformed_json_with_400(string body)
    {
        using var response = await _client.PostAsync(OrdersApiClient.OrdersPath, OrdersApiClient.Json(body), Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Post_refuses_an_empty_body_with_400()
    {
        using var response = await _client.PostAsync(OrdersApiClient.OrdersPath, OrdersApiClient.Json(string.Empty), Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_accepts_a_body_of_exactly_64_KiB(bool chunked)
    {
        using var response = await _client.SendAsync(PostOfSize(MaxBodyBytes, chunked), Cancellation);

        var json = await response.Content.ReadAsStringAsync(Cancellation);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, json);
    }

    [Theory]
    [InlineData(false, MaxBodyBytes + 1)]
    [InlineData(true, MaxBodyBytes + 1)]
    [InlineData(false, 4 * MaxBodyBytes)]
    public async Task Post_refuses_a_body_over_64_KiB_with_413(bool chunked, int size)
    {
        var before = await OrdersApi.ListIdsAsync(cancellationToken: Cancellation);

        using var response = await _client.SendAsync(PostOfSize(size, chunked), Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        (await OrdersApi.ListIdsAsync(cancellationToken: Cancellation)).ShouldBe(before);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task Post_refuses_a_body_that_is_not_json_with_415(string? mediaType)
    {
        var body = JsonSerializer.Serialize(OrdersApiClient.NewOrder(), JsonSerializerOptions.Web);
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (mediaType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }

        using var response = await _client.PostAsync(OrdersApiClient.OrdersPath, content, Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task List_answers_every_order_newest_first()
    {
        var first = await OrdersApi.CreateAsync("first", cancellationToken: Cancellation);
        var second = await OrdersApi.CreateAsync("second", cancellationToken: Cancellation);
        var third = await OrdersApi.CreateAsync("third", cancellationToken: Cancellation);

        using var response = await _client.GetAsync(OrdersApiClient.OrdersPath, Cancellation);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        var ids = await OrdersApi.ListIdsAsync(cancellationToken: Cancellation);
        ids.Take(3).ShouldBe([third.Id, second.Id, first.Id]);
        ids.Distinct(StringComparer.Ordinal).Count().ShouldBe(ids.Count);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var listed = document.RootElement.GetProperty("orders").EnumerateArray().First(order => order.GetProperty("id").GetString() == second.Id);
        OrdersApiClient.SameJson(second.Json, listed.GetRawText()).ShouldBeTrue();
    }

    [Fact]
    public async Task Get_by_id_answers_the_order()
    {
        var created = await OrdersApi.CreateAsync("Edsger", cancellationToken: Cancellation);

        using var response = await _client.GetAsync($"{OrdersApiClient.OrdersPath}/{created.Id}", Cancellation);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        OrdersApiClient.SameJson(created.Json, await response.Content.ReadAsStringAsync(Cancellation)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("no-such-order")]
    public async Task Get_by_unknown_id_answers_404(string id)
    {
        using var response = await _client.GetAsync($"{OrdersApiClient.OrdersPath}/{id}", Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(AllowedTransitions))]
    public async Task Patch_makes_each_allowed_change_and_answers_the_order(string[] path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var created = await OrdersApi.CreateAsync(cancellationToken: Cancellation);

        foreach (var status in path)
        {
            var changed = await OrdersApi.ChangeStatusAsync(created.Id, status, cancellationToken: Cancellation);
            changed.Id.ShouldBe(created.Id);
            changed.Status.ShouldBe(status);
        }

        var stored = await _client.GetFromJsonAsync<JsonElement>($"{OrdersApiClient.OrdersPath}/{created.Id}", Cancellation);
        stored.GetProperty("status").GetString().ShouldBe(path[^1]);
    }

    [Theory]
    [MemberData(nameof(RefusedTransitions))]
    public async Task Patch_refuses_a_change_the_order_does_not_allow_with_409(string[] path, string next)
    {
        ArgumentNullException.ThrowIfNull(path);
        var created = await OrdersApi.CreateAsync(cancellationToken: Cancellation);
        foreach (var status in path)
        {
            await OrdersApi.ChangeStatusAsync(created.Id, status, cancellationToken: Cancellation);
        }

        using var response = await OrdersApi.PatchAsync(created.Id, $$"""{"status":"{{next}}"}""", cancellationToken: Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        var stored = await _client.GetFromJsonAsync<JsonElement>($"{OrdersApiClient.OrdersPath}/{created.Id}", Cancellation);
        stored.GetProperty("status").GetString().ShouldBe(path.Length == 0 ? "new" : path[^1]);
    }

    [Theory]
    [InlineData("""{"status":"refunded"}""")]
    [InlineData("""{"status":"PAID"}""")]
    [InlineData("""{"status":""}""")]
    [InlineData("""{"status":null}""")]
    [InlineData("{}")]
    public async Task Patch_refuses_an_unknown_status_with_400(string body)
    {
        var created = await OrdersApi.CreateAsync(cancellationToken: Cancellation);

        using var response = await OrdersApi.PatchAsync(created.Id, body, cancellationToken: Cancellation);

        await response.ShouldBeValidationProblemAsync("status");
    }

    [Theory]
    [InlineData("""{"status":""")]
    [InlineData("""{"status":7}""")]
    public async Task Patch_refuses_malformed_json_with_400(string body)
    {
        var created = await OrdersApi.CreateAsync(cancellationToken: Cancellation);

        using var response = await OrdersApi.PatchAsync(created.Id, body, cancellationToken: Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Concurrent_changes_of_one_order_let_exactly_one_win()
    {
        await using var stream = await SseReader.ConnectAsync(fixture.Host);
        for (var round = 0; round < 20; round++)
        {
            // From paid, shipped and cancelled exclude each other in either order.
            var created = await OrdersApi.CreateAsync($"contested {round}", cancellationToken: Cancellation);
            await OrdersApi.ChangeStatusAsync(created.Id, "paid", cancellationToken: Cancellation);
            (await stream.ReadEventsAsync(2)).Select(e => e.EventType).ShouldBe(["new-order", "order-updated"]);

            using var other = fixture.Host.CreateClient();
            var shipping = OrdersApi.PatchAsync(created.Id, """{"status":"shipped"}""", cancellationToken: Cancellation);
            var cancelling = new OrdersApiClient(other).PatchAsync(created.Id, """{"status":"cancelled"}""", cancellationToken: Cancellation);
            using var shipped = await shipping;
            using var cancelled = await cancelling;

            var statuses = new[] { shipped.StatusCode, cancelled.StatusCode };
            statuses.Count(status => status == HttpStatusCode.OK).ShouldBe(1, $"round {round}: {string.Join(", ", statuses)}");
            var loser = shipped.StatusCode == HttpStatusCode.OK ? cancelled : shipped;
            await loser.ShouldBeProblemAsync(HttpStatusCode.Conflict);
            var winner = shipped.StatusCode == HttpStatusCode.OK ? shipped : cancelled;
            var winnerJson = await winner.Content.ReadAsStringAsync(Cancellation);

            var stored = await _client.GetStringAsync($"{OrdersApiClient.OrdersPath}/{created.Id}", Cancellation);
            OrdersApiClient.SameJson(winnerJson, stored).ShouldBeTrue();

            // One change, one event: the next event is the winner's, then the next round's order.
            var updated = await stream.ReadEventAsync();
            updated.EventType.ShouldBe("order-updated");
            updated.Data.ShouldBe(winnerJson);
        }
    }

    [Fact]
    public async Task Patch_of_an_unknown_order_answers_404()
    {
        using var response = await OrdersApi.PatchAsync("0123456789abcdef0123456789abcdef", """{"status":"paid"}""", cancellationToken: Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("GET", "/api/nothing-here")]
    [InlineData("GET", "/api/orders/some-id/lines")]
    [InlineData("POST", "/api/unknown")]
    [InlineData("GET", "/api")]
    public async Task Any_other_api_route_answers_404_problem_details(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = OrdersApiClient.Json("{}");
        }

        using var response = await _client.SendAsync(request, Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("DELETE", "/api/orders/some-id")]
    [InlineData("PUT", "/api/orders")]
    [InlineData("POST", "/api/events")]
    public async Task A_known_route_with_another_method_answers_405_problem_details(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await _client.SendAsync(request, Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Bad_requests_change_nothing_and_publish_nothing()
    {
        var existing = await OrdersApi.CreateAsync("kept as it is", cancellationToken: Cancellation);
        var listBefore = await OrdersApi.ListIdsAsync(cancellationToken: Cancellation);
        await using var stream = await SseReader.ConnectAsync(fixture.Host);

        HttpContent[] refusedBodies =
        [
            OrdersApiClient.Json("""{"customer":"","items":[]}"""),
            OrdersApiClient.Json("""{"customer":"Ada","items":[{"sku":"A","quantity":0,"unitPrice":1}]}"""),
            OrdersApiClient.Json("""{"customer":"Ada","""),
            OrdersApiClient.Json(JsonSerializer.Serialize(OrdersApiClient.NewOrder(), JsonSerializerOptions.Web), "text/plain"),
            OrdersApiClient.Json($$"""{"customer":"Ada","items":[{"sku":"A","quantity":1,"unitPrice":1}],"pad":"{{new string('x', MaxBodyBytes)}}"}"""),
        ];
        foreach (var body in refusedBodies)
        {
            using (body)
            using (var response = await _client.PostAsync(OrdersApiClient.OrdersPath, body, Cancellation))
            {
                ((int)response.StatusCode).ShouldBeInRange(400, 499);
            }
        }

        foreach (var body in new[] { """{"status":"shipped"}""", """{"status":"gone"}""", """{"status":""" })
        {
            using var response = await OrdersApi.PatchAsync(existing.Id, body, cancellationToken: Cancellation);
            ((int)response.StatusCode).ShouldBeInRange(400, 499);
        }

        (await OrdersApi.ListIdsAsync(cancellationToken: Cancellation)).ShouldBe(listBefore);
        var stored = await _client.GetFromJsonAsync<JsonElement>($"{OrdersApiClient.OrdersPath}/{existing.Id}", Cancellation);
        OrdersApiClient.SameJson(existing.Json, stored.GetRawText()).ShouldBeTrue();

        // Nothing was broadcast: the first event the stream sees is the one published after the refused requests.
        var sentinel = await OrdersApi.CreateAsync("sentinel", cancellationToken: Cancellation);
        var first = await stream.ReadEventAsync();
        first.EventType.ShouldBe("new-order");
        OrdersApiClient.SameJson(sentinel.Json, first.Data).ShouldBeTrue(stream.Transcript);
    }

    [Fact]
    public async Task Healthz_answers_200_while_the_database_is_usable()
    {
        using var response = await _client.GetAsync("/healthz", Cancellation);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Root_serves_the_dashboard_page()
    {
        using var response = await _client.GetAsync("/", Cancellation);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
        var html = await response.Content.ReadAsStringAsync(Cancellation);
        html.ShouldContain("<title>", Case.Insensitive);
        html.ShouldContain("app.js");

        using var script = await _client.GetAsync("/app.js", Cancellation);
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var stream = await _client.GetAsync("/stream.js", Cancellation);
        stream.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await stream.Content.ReadAsStringAsync(Cancellation)).ShouldContain("EventSource");
    }

    /// <summary>A valid order whose JSON is padded with whitespace to exactly <paramref name="size"/> bytes.</summary>
    private static HttpRequestMessage PostOfSize(int size, bool chunked)
    {
        var json = JsonSerializer.Serialize(OrdersApiClient.NewOrder("sized"), JsonSerializerOptions.Web);
        var bytes = Encoding.UTF8.GetBytes(json[..^1] + new string(' ', size - Encoding.UTF8.GetByteCount(json)) + "}");
        bytes.Length.ShouldBe(size);

        HttpContent content = chunked ? new StreamContent(new UnseekableStream(bytes)) : new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, OrdersApiClient.OrdersPath) { Content = content };
        request.Headers.TransferEncodingChunked = chunked;
        return request;
    }

    /// <summary>
    /// A body whose length is unknown up front, so the client must send it chunked, and which hands out at most
    /// 500 bytes per read, so it goes out in many small chunks (the framing of which is not part of the body).
    /// </summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        private const int MaxRead = 500;

        public override bool CanSeek => false;

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, MaxRead));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, MaxRead)]);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, MaxRead), cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, MaxRead)], cancellationToken);
    }
}
