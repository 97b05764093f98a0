using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Input;

/// <summary>
/// Strict, friendly input (SPEC section 2): every field the contract does not mark optional is required, a body in any
/// charset but UTF-8 is 415, and a request that cannot be bound is a 400 in the API's own words naming the field.
/// </summary>
public sealed class StrictInputTests(InputFixture fixture) : IClassFixture<InputFixture>, IDisposable
{
    private const string ValidOrder = """{"customer":"Ada","items":[{"sku":"A","quantity":2,"unitPrice":1.5}]}""";

    private readonly HttpClient _client = fixture.Host.CreateClient();

    private OrdersApiClient OrdersApi => new(_client);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> MissingOrNullFields => new()
    {
        { """{"customer":"Ada","items":[{"sku":"A","quantity":2}]}""", "items[0].unitPrice" },
        { """{"customer":"Ada","items":[{"sku":"A","quantity":2,"unitPrice":null}]}""", "items[0].unitPrice" },
        { """{"customer":"Ada","items":[{"sku":"A","unitPrice":1}]}""", "items[0].quantity" },
        { """{"customer":"Ada","items":[{"sku":"A","quantity":null,"unitPrice":1}]}""", "items[0].quantity" },
        { """{"customer":"Ada","items":[{"sku":null,"quantity":1,"unitPrice":1}]}""", "items[0].sku" },
        { """{"customer":"Ada","items":[{"sku":"A","quantity":1,"unitPrice":1},{"sku":"B","quantity":1}]}""", "items[1].unitPrice" },
        { """{"customer":null,"items":[{"sku":"A","quantity":1,"unitPrice":1}]}""", "customer" },
        { """{"customer":"Ada","items":null}""", "items" },
        { """{}""", "customer" },
        { """{}""", "items" },
    };

    /// <summary>Every charset but UTF-8, and the malformed forms of the parameter.</summary>
    public static TheoryData<string> RefusedContentTypes => new()
    {
        "application/json; charset=bogus",
        "application/json; charset=",
        "application/json; charset=utf-7",
        "application/json; charset=ebcdic",
        "application/json; charset=us-ascii",
        "application/json; charset=utf-16",
        "application/json; charset=\"utf-16\"",
        "application/json; charset=iso-8859-1",
        "application/json; charset=\"\"",
    };

    /// <summary>UTF-8 however it is spelled: the parameter's value is case-insensitive and may be quoted (RFC 9110).</summary>
    public static TheoryData<string> AcceptedContentTypes => new()
    {
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=UTF-8",
        "application/json;charset=\"utf-8\"",
        "application/json; charset=\"UTF-8\"",
        "APPLICATION/JSON; CHARSET=UTF-8",
    };

    public void Dispose() => _client.Dispose();

    [Theory]
    [MemberData(nameof(MissingOrNullFields))]
    public async Task Post_refuses_a_missing_or_null_field_with_a_validation_problem_keyed_by_it(string body, string field)
    {
        var before = await OrdersApi.ListIdsAsync(cancellationToken: Cancellation);

        using var response = await _client.PostAsync(OrdersApiClient.OrdersPath, OrdersApiClient.Json(body), Cancellation);

        await response.ShouldBeValidationProblemAsync(field);
        (await OrdersApi.ListIdsAsync(cancellationToken: Cancellation)).ShouldBe(before);
    }

    [Fact]
    public async Task Post_without_a_note_is_accepted_since_the_note_is_optional()
    {
        using var response = await _client.PostAsync(OrdersApiClient.OrdersPath, OrdersApiClient.Json(ValidOrder), Cancellation);

        var order = await OrdersApiClient.ReadAsync(response, HttpStatusCode.Created, Cancellation);
        order.Total.ShouldBe(3m);
    }

    [Theory]
    [MemberData(nameof(RefusedContentTypes))]
    public async Task Post_in_a_charset_other_than_utf8_is_415_problem_details_and_logs_no_error(string contentType)
    {
        var before = await OrdersApi.ListIdsAsync(cancellationToken: Cancellation);
        var errorsBefore = fixture.Errors.All.Count;

        using var response = await _client.PostAsync(OrdersApiClient.OrdersPath, Body(Encoding.UTF8.GetBytes(ValidOrder), contentType), Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        (await OrdersApi.ListIdsAsync(cancellationToken: Cancellation)).ShouldBe(before);
        fixture.Errors.All.Skip(errorsBefore).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(RefusedContentTypes))]
    public async Task Patch_in_a_charset_other_than_utf8_is_415_problem_details_and_logs_no_error(string contentType)
    {
        var order = await OrdersApi.CreateAsync(cancellationToken: Cancellation);
        var errorsBefore = fixture.Errors.All.Count;

        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{OrdersApiClient.OrdersPath}/{order.Id}")
        {
            Content = Body(Encoding.UTF8.GetBytes("""{"status":"paid"}"""), contentType),
        };
        using var response = await _client.SendAsync(request, Cancellation);

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        (await OrdersApi.GetAtAsync(order.Location!, Cancellation)).Status.ShouldBe("new");
        fixture.Errors.All.Skip(errorsBefore).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(AcceptedContentTypes))]
    public async Task Post_in_utf8_is_accepted_however_the_charset_is_spelled(string contentType)
    {
        using var response = await _client.PostAsync(OrdersApiClient.OrdersPath, Body(Encoding.UTF8.GetBytes(ValidOrder), contentType), Cancellation);

        await OrdersApiClient.ReadAsync(response, HttpStatusCode.Created, Cancellation);
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_are_never_stored_as_replacement_characters()
    {
        var before = await OrdersApi.ListIdsAsync(cancellationToken: Cancellation);
        // Byte 0xFF in the customer's name: a character in Latin-1, never valid in UTF-8.
        var latin = Encoding.Latin1.GetBytes("{\"customer\":\"Ad\u00ff\",\"items\":[{\"sku\":\"A\",\"quantity\":1,\"unitPrice\":1}]}");
        latin.ShouldContain((byte)0xFF);
        var loneSurrogate = Encoding.Unicode.GetBytes("""{"customer":"Ada","items":[{"sku":"A","quantity":1,"unitPrice":1}]}""")
            .Concat(new byte[] { 0x00, 0xD8 }).ToArray();

        using (var ascii = await _client.PostAsync(OrdersApiClient.OrdersPath, Body(latin, "application/json; charset=us-ascii"), Cancellation))
        {
            await ascii.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        }

        using (var utf16 = await _client.PostAsync(OrdersApiClient.OrdersPath, Body(loneSurrogate, "application/json; charset=utf-16"), Cancellation))
        {
            await utf16.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        }

        using (var declaredUtf8 = await _client.PostAsync(OrdersApiClient.OrdersPath, Body(latin, "application/json; charset=utf-8"), Cancellation))
        {
            await declaredUtf8.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        }

        (await OrdersApi.ListIdsAsync(cancellationToken: Cancellation)).ShouldBe(before);
    }

    [Fact]
    public async Task Every_415_has_the_same_shape()
    {
        var shapes = new List<string>();
        foreach (var contentType in new[] { "text/plain", "application/json; charset=bogus", "application/xml", "application/json; charset=utf-16" })
        {
            using var response = await _client.PostAsync(OrdersApiClient.OrdersPath, Body(Encoding.UTF8.GetBytes(ValidOrder), contentType), Cancellation);
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
            shapes.Add(Shape(problem));
        }

        using (var noType = await _client.PostAsync(OrdersApiClient.OrdersPath, new ByteArrayContent(Encoding.UTF8.GetBytes(ValidOrder)), Cancellation))
        {
            shapes.Add(Shape(await noType.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType)));
        }

        shapes.Distinct(StringComparer.Ordinal).Count().ShouldBe(1, string.Join(Environment.NewLine, shapes));
    }

    [Fact]
    public async Task An_empty_body_is_400_in_the_apis_own_words()
    {
        using var response = await _client.PostAsync(OrdersApiClient.OrdersPath, OrdersApiClient.Json(string.Empty), Cancellation);

        var problem = await response.ShouldBeValidationProblemAsync("body");
        ShouldNotLeakFrameworkWords(problem);
    }

    [Theory]
    [InlineData("""{"customer":"Ada","items":[{"sku":"A","quantity":"2","unitPrice":1}]}""", "items[0].quantity")]
    [InlineData("""{"customer":"Ada","items":[{"sku":"A","quantity":1.5,"unitPrice":1}]}""", "items[0].quantity")]
    [InlineData("""{"customer":"Ada","items":[{"sku":"A","quantity":1,"unitPrice":"cheap"}]}""", "items[0].unitPrice")]
    [InlineData("""{"customer":["Ada"],"items":[{"sku":"A","quantity":1,"unitPrice":1}]}""", "customer")]
    [InlineData("""{"customer":"Ada","items":{"sku":"A"}}""", "items")]
    [InlineData("""[1,2,3]""", "body")]
    [InlineData("""{"customer":"Ada","items":[""", "body")]
    [InlineData("not json at all", "body")]
    public async Task A_body_of_the_wrong_shape_is_400_naming_the_field(string body, string field)
    {
        using var response = await _client.PostAsync(OrdersApiClient.OrdersPath, OrdersApiClient.Json(body), Cancellation);

        var problem = await response.ShouldBeValidationProblemAsync(field);
        ShouldNotLeakFrameworkWords(problem);
    }

    [Theory]
    [InlineData("""{"status":7}""", "status")]
    [InlineData("""{"status":["paid"]}""", "status")]
    [InlineData("", "body")]
    public async Task A_patch_of_the_wrong_shape_is_400_naming_the_field(string body, string field)
    {
        var order = await OrdersApi.CreateAsync(cancellationToken: Cancellation);

        using var response = await OrdersApi.PatchAsync(order.Id, body, Cancellation);

        var problem = await response.ShouldBeValidationProblemAsync(field);
        ShouldNotLeakFrameworkWords(problem);
    }

    [Theory]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=1e3", "limit")]
    [InlineData("limit=99999999999999999999", "limit")]
    public async Task A_query_parameter_that_does_not_parse_is_400_naming_it(string query, string field)
    {
        using var response = await _client.GetAsync($"{OrdersApiClient.OrdersPath}?{query}", Cancellation);

        var problem = await response.ShouldBeValidationProblemAsync(field);
        ShouldNotLeakFrameworkWords(problem);
    }

    [Theory]
    [InlineData(new string[0], "shipped", "new -> shipped")]
    [InlineData(new[] { "paid" }, "new", "paid -> new")]
    [InlineData(new[] { "cancelled" }, "paid", "cancelled -> paid")]
    public async Task A_refused_transition_names_the_statuses_as_the_api_spells_them(string[] path, string next, string expected)
    {
        ArgumentNullException.ThrowIfNull(path);
        var order = await OrdersApi.CreateAsync(cancellationToken: Cancellation);
        foreach (var status in path)
        {
            await OrdersApi.ChangeStatusAsync(order.Id, status, Cancellation);
        }

        using var response = await OrdersApi.PatchStatusAsync(order.Id, next, Cancellation);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        var detail = problem.GetProperty("detail").GetString();
        detail.ShouldNotBeNull();
        detail.ShouldContain(expected);
        foreach (var name in new[] { "New", "Paid", "Shipped", "Cancelled" })
        {
            detail.ShouldNotContain(name, Case.Sensitive);
        }
    }

    private static ByteArrayContent Body(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        // Set without parsing, so malformed and unusual forms reach the service as written.
        content.Headers.TryAddWithoutValidation("Content-Type", contentType).ShouldBeTrue();
        return content;
    }

    private static string Shape(JsonElement problem) => string.Join(
        "|",
        problem.EnumerateObject()
            .Where(property => property.Name != "traceId")
            .OrderBy(property => property.Name, StringComparer.Ordinal)
            .Select(property => $"{property.Name}={property.Value}"));

    private static void ShouldNotLeakFrameworkWords(JsonElement problem)
    {
        var text = problem.ToString();
        foreach (var framework in new[] { "Failed to bind", "Implicit body", "Did you mean", "Failed to read parameter", "System.", "Int32", "CreateOrderCommand", "ChangeOrderStatusRequest", "command" })
        {
            text.ShouldNotContain(framework, Case.Sensitive, $"the problem speaks the framework's words: {text}");
        }
    }
}
