using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Publishing;
using CleanSse.TestKit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Api.FunctionalTests.OpenApi;

/// <summary>SPEC section 2: <c>/openapi/v1.json</c> documents every route, schema and error; <c>/scalar</c> shows it.</summary>
public sealed partial class OpenApiDocumentTests(OpenApiFixture fixture) : IClassFixture<OpenApiFixture>, IDisposable
{
    private static readonly string[] ErrorStatuses = ["400", "401", "403", "404", "406", "409", "412", "413", "415", "422", "429", "503"];

    private readonly HttpClient _anonymous = fixture.Host.Clients.CreateAnonymous();

    public void Dispose() => _anonymous.Dispose();

    [Fact]
    public async Task The_document_is_OpenAPI_3_1_and_needs_no_sign_in()
    {
        using var response = await _anonymous.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        document["openapi"]!.GetValue<string>().ShouldStartWith("3.1.");
        document["info"]!["title"]!.GetValue<string>().ShouldBe("CleanSse");
    }

    [Fact]
    public async Task Every_mapped_route_is_documented()
    {
        var document = await DocumentAsync();

        var undocumented = Undocumented(MappedRoutes(), document);

        undocumented.ShouldBeEmpty($"Routes missing from /openapi/v1.json: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public async Task The_route_check_reports_a_route_the_document_leaves_out()
    {
        var document = await DocumentAsync();
        var paths = document["paths"]!.AsObject();
        paths["/api/orders/{id}"]!.AsObject().Remove("patch").ShouldBeTrue();
        paths.Remove("/healthz").ShouldBeTrue();

        Undocumented(MappedRoutes(), document).ShouldBe(["GET /healthz", "HEAD /healthz", "PATCH /api/orders/{id}"], ignoreOrder: true);
    }

    [Fact]
    public async Task Every_error_response_is_problem_details()
    {
        var document = await DocumentAsync();

        var checkedResponses = 0;
        foreach (var (path, method, operation) in Operations(document))
        {
            foreach (var (status, response) in operation["responses"]!.AsObject())
            {
                if (int.Parse(status, System.Globalization.CultureInfo.InvariantCulture) < 400)
                {
                    continue;
                }

                var content = response!["content"]!.AsObject();
                content.Select(pair => pair.Key).ShouldBe(["application/problem+json"], $"{method} {path} {status}");
                var schema = content["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>();
                schema.ShouldBe(status == "400" ? "#/components/schemas/HttpValidationProblemDetails" : "#/components/schemas/ProblemDetails", $"{method} {path} {status}");
                checkedResponses++;
            }
        }

        checkedResponses.ShouldBeGreaterThan(20);
        var problem = document["components"]!["schemas"]!["ProblemDetails"]!["properties"]!.AsObject();
        new[] { "type", "title", "status", "detail" }.ShouldBeSubsetOf(problem.Select(pair => pair.Key));
    }

    [Theory]
    [InlineData("post", "/api/orders", new[] { "201", "400", "401", "413", "415", "422", "429" })]
    [InlineData("get", "/api/orders", new[] { "200", "400", "401" })]
    [InlineData("get", "/api/orders/{id}", new[] { "200", "401", "404" })]
    [InlineData("patch", "/api/orders/{id}", new[] { "200", "400", "401", "403", "404", "409", "412", "413", "415", "429" })]
    [InlineData("get", "/api/events", new[] { "200", "401", "406", "429", "503" })]
    [InlineData("post", "/api/auth/login", new[] { "200", "401" })]
    public async Task Each_route_lists_the_responses_the_contract_gives_it(string method, string path, string[] statuses)
    {
        var document = await DocumentAsync();

        var responses = document["paths"]![path]![method]!["responses"]!.AsObject().Select(pair => pair.Key);

        responses.ShouldBe(statuses, ignoreOrder: true);
        statuses.Where(status => status[0] is '4' or '5').ShouldBeSubsetOf(ErrorStatuses);
    }

    [Fact]
    public async Task Routes_that_need_a_user_name_the_bearer_token_and_the_cookie()
    {
        var document = await DocumentAsync();
        var schemes = document["components"]!["securitySchemes"]!;
        schemes["Bearer"]!["type"]!.GetValue<string>().ShouldBe("http");
        schemes["Bearer"]!["scheme"]!.GetValue<string>().ShouldBe("bearer");
        schemes["Cookie"]!["type"]!.GetValue<string>().ShouldBe("apiKey");
        schemes["Cookie"]!["in"]!.GetValue<string>().ShouldBe("cookie");
        schemes["Cookie"]!["name"]!.GetValue<string>().ShouldBe(".AspNetCore.Identity.Application");

        foreach (var (path, method) in new[] { ("/api/orders", "post"), ("/api/orders", "get"), ("/api/orders/{id}", "get"), ("/api/orders/{id}", "patch"), ("/api/events", "get"), ("/api/auth/me", "get") })
        {
            var security = document["paths"]![path]![method]!["security"]!.AsArray();
            security.Select(requirement => requirement!.AsObject().Single().Key).ShouldBe(["Bearer", "Cookie"], $"{method} {path}");
        }

        foreach (var (path, method) in new[] { ("/api/auth/login", "post"), ("/api/auth/register", "post"), ("/healthz", "get"), ("/metrics", "get") })
        {
            document["paths"]![path]![method]!["security"].ShouldBeNull($"{method} {path} needs no sign-in");
        }
    }

    [Fact]
    public async Task Idempotency_key_if_match_etag_and_last_event_id_are_documented()
    {
        var document = await DocumentAsync();
        var paths = document["paths"]!;

        HeaderParameters(paths["/api/orders"]!["post"]!).ShouldContain("Idempotency-Key");
        HeaderParameters(paths["/api/orders/{id}"]!["patch"]!).ShouldContain("If-Match");
        HeaderParameters(paths["/api/events"]!["get"]!).ShouldContain("Last-Event-ID");
        paths["/api/events"]!["get"]!["parameters"]!.AsArray()
            .ShouldContain(parameter => parameter!["in"]!.GetValue<string>() == "query" && parameter["name"]!.GetValue<string>() == "lastEventId");

        paths["/api/orders"]!["post"]!["responses"]!["201"]!["headers"]!.AsObject().Select(pair => pair.Key).ShouldBe(["Location", "ETag"], ignoreOrder: true);
        paths["/api/orders/{id}"]!["get"]!["responses"]!["200"]!["headers"]!["ETag"].ShouldNotBeNull();
        paths["/api/orders/{id}"]!["patch"]!["responses"]!["200"]!["headers"]!["ETag"].ShouldNotBeNull();
    }

    [Fact]
    public async Task The_stream_is_documented_as_text_event_stream_with_each_event_and_its_payload()
    {
        var document = await DocumentAsync();
        var operation = document["paths"]!["/api/events"]!["get"]!;
        var schemas = document["components"]!["schemas"]!;

        var stream = operation["responses"]!["200"]!["content"]!["text/event-stream"]!;
        var events = stream["schema"]!["oneOf"]!.AsArray().Select(reference => Component(schemas, reference!)).ToList();
        events.Select(schema => schema["properties"]?["event"]?["const"]?.GetValue<string>())
            .ShouldBe([null, OrderEventsSsePublisher.NewOrderEventType, OrderEventsSsePublisher.OrderUpdatedEventType, StreamCatchUp.ResetEventType]);

        var listed = operation["x-sse-events"]!.AsArray();
        listed.Select(entry => entry!["event"]?.GetValue<string>())
            .ShouldBe([null, OrderEventsSsePublisher.NewOrderEventType, OrderEventsSsePublisher.OrderUpdatedEventType, StreamCatchUp.ResetEventType]);
        listed.ShouldAllBe(entry => entry!["version"]!.GetValue<int>() == 1);

        // Each payload is a versioned contract of its own, in the components.
        Component(schemas, events[1]["properties"]!["data"]!).ShouldBeSameAs(schemas["OrderSnapshotV1"]);
        Component(schemas, events[2]["properties"]!["data"]!).ShouldBeSameAs(schemas["OrderSnapshotV1"]);
        Component(schemas, events[3]["properties"]!["data"]!)["properties"]!.AsObject().Select(pair => pair.Key)
            .ShouldBe(["reason", "lastEventId", "changedSince"]);
        Component(schemas, events[0]["properties"]!["data"]!)["properties"]!["type"]!["const"]!.GetValue<string>().ShouldBe("connected");
    }

    [Fact]
    public async Task The_documented_order_snapshot_has_the_properties_of_a_real_new_order_event()
    {
        var document = await DocumentAsync();
        var snapshot = document["components"]!["schemas"]!["OrderSnapshotV1"]!;
        await using var stream = await SseReader.OpenAsync(fixture.Host);
        (await stream.ReadBlockAsync(TimeSpan.FromSeconds(10)))!.Data.ShouldBe("""{"type":"connected"}""");

        await fixture.Host.Orders.CreateAsync("snapshot schema", cancellationToken: TestContext.Current.CancellationToken);
        var created = await stream.ReadEventAsync(TimeSpan.FromSeconds(10));

        created.EventType.ShouldBe(OrderEventsSsePublisher.NewOrderEventType);
        var data = JsonNode.Parse(created.Data!)!.AsObject();
        data.Select(pair => pair.Key).ShouldBe(snapshot["properties"]!.AsObject().Select(pair => pair.Key), ignoreOrder: true);
        snapshot["properties"]!["status"]!["enum"]!.AsArray().Select(value => value!.GetValue<string>())
            .ShouldBe(["cancelled", "new", "paid", "shipped"]);
    }

    [Fact]
    public async Task Requests_and_answers_carry_examples()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!;

        foreach (var name in new[] { "CreateOrderCommand", "CreateOrderItem", "OrderDto", "OrderItemDto", "OrdersListDto", "ChangeOrderStatusRequest", "OrderSnapshotV1", "ProblemDetails", "HttpValidationProblemDetails", "ConnectedEventV1", "ResetEventV1" })
        {
            var example = schemas[name]!["examples"]?[0]?.AsObject();
            example.ShouldNotBeNull($"{name} has no example");

            // An example names only properties its schema has.
            if (schemas[name]!["properties"] is JsonObject properties && name is not ("ProblemDetails" or "HttpValidationProblemDetails"))
            {
                example.Select(pair => pair.Key).ShouldBeSubsetOf(properties.Select(pair => pair.Key), name);
            }
        }
    }

    [Fact]
    public async Task Scalar_answers_its_page_with_local_scripts_under_a_nonce_policy()
    {
        using var page = await _anonymous.GetAsync("/scalar/", TestContext.Current.CancellationToken);

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = NoncePattern().Match(policy).Groups[1].Value;
        nonce.ShouldNotBeNullOrEmpty();
        policy.ShouldNotContain("script-src 'self' 'unsafe-inline'");
        var scripts = ScriptPattern().Matches(html);
        scripts.Count.ShouldBeGreaterThan(0);
        scripts.ShouldAllBe(script => script.Value.Contains($"nonce=\"{nonce}\"", StringComparison.Ordinal));
        html.ShouldNotContain("https://");

        using var bundle = await _anonymous.GetAsync("/scalar/scalar.js", TestContext.Current.CancellationToken);
        bundle.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var again = await _anonymous.GetAsync("/scalar/", TestContext.Current.CancellationToken);
        NoncePattern().Match(again.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value.ShouldNotBe(nonce);
    }

    private async Task<JsonNode> DocumentAsync()
    {
        var json = await _anonymous.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        return JsonNode.Parse(json)!;
    }

    /// <summary>
    /// Every route the app maps, as "METHOD /path", read from routing itself. Left out, by name: the document itself and
    /// the Scalar page and its assets, which describe the API rather than belong to it. The dashboard's static files
    /// are middleware, not routes, and there is no fallback route.
    /// </summary>
    private List<string> MappedRoutes()
    {
        var routes = new List<string>();
        foreach (var endpoint in fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var path = PathOf(endpoint.RoutePattern);
            if (path.StartsWith("/openapi/", StringComparison.Ordinal) || path == "/scalar" || path.StartsWith("/scalar/", StringComparison.Ordinal))
            {
                continue;
            }

            path.ShouldStartWith("/", customMessage: $"{endpoint.DisplayName} has a pattern this check cannot read");
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get];
            routes.AddRange(methods.Select(method => $"{method.ToUpperInvariant()} {path}"));
        }

        routes.ShouldContain("POST /api/orders");
        routes.ShouldContain("GET /api/events");
        return routes;
    }

    private static List<string> Undocumented(IEnumerable<string> routes, JsonNode document)
    {
        var documented = Operations(document).Select(operation => $"{operation.Method.ToUpperInvariant()} {operation.Path}").ToHashSet(StringComparer.Ordinal);
        return [.. routes.Where(route => !documented.Contains(route)).Distinct()];
    }

    private static string PathOf(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            _ => throw new InvalidOperationException($"Unknown route part in {pattern.RawText}"),
        }))));

    private static IEnumerable<(string Path, string Method, JsonNode Operation)> Operations(JsonNode document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (method is "get" or "put" or "post" or "delete" or "options" or "head" or "patch" or "trace")
                {
                    yield return (path, method, operation!);
                }
            }
        }
    }

    private static List<string> HeaderParameters(JsonNode operation) =>
        [.. operation["parameters"]!.AsArray().Where(parameter => parameter!["in"]!.GetValue<string>() == "header").Select(parameter => parameter!["name"]!.GetValue<string>())];

    private static JsonNode Component(JsonNode schemas, JsonNode reference)
    {
        var target = reference["$ref"]!.GetValue<string>();
        target.ShouldStartWith("#/components/schemas/");
        return schemas[target["#/components/schemas/".Length..]]!;
    }

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NoncePattern();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptPattern();
}
