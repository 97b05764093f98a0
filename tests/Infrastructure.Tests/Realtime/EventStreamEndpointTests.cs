using System.Security.Claims;
using CleanSse.Application.Common.Security;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static CleanSse.Infrastructure.Tests.Realtime.RealtimeTestKit;

namespace CleanSse.Infrastructure.Tests.Realtime;

public sealed class EventStreamEndpointTests
{
    [Fact]
    public async Task Only_a_request_routed_to_the_stream_counts_as_a_stream_request()
    {
        await using var app = CreateApp();
        app.MapEventStream("/api/events");
        app.MapGet("/api/orders", () => "orders");
        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).ToList();

        EventStreamEndpoint.IsStreamRequest(RoutedTo(Named(endpoints, "/api/events"))).ShouldBeTrue();
        EventStreamEndpoint.IsStreamRequest(RoutedTo(Named(endpoints, "/api/orders"))).ShouldBeFalse();
        EventStreamEndpoint.IsStreamRequest(RoutedTo(null)).ShouldBeFalse("nothing was routed");
    }

    [Fact]
    public async Task The_stream_is_a_GET_described_with_its_content_type_and_its_refusals()
    {
        await using var app = CreateApp();
        app.MapEventStream("/streams/orders");
        var endpoint = Named(((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).ToList(), "/streams/orders");

        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>().ShouldNotBeNull().HttpMethods.ShouldBe(["GET"]);
        var produces = endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>();
        produces.Select(p => p.StatusCode).ShouldBe([200, 406, 429, 503]);
        produces[0].ContentTypes.ShouldBe(["text/event-stream"]);
        produces.Skip(1).ShouldAllBe(p => p.ContentTypes.Single() == "application/problem+json");
    }

    [Theory]
    [InlineData("staff", true, null)]
    [InlineData("customer", false, "customer-1")]
    [InlineData("staff-and-id", true, null)]
    [InlineData("no-id", false, null)]
    public async Task A_stream_takes_its_audience_from_the_signed_in_user_at_admission(string user, bool isStaff, string? customerId)
    {
        await using var app = CreateApp();

        // Only the writers the stream needs, not the whole host.
        var writers = app.Services.GetRequiredService<SseWriterPool>();
        await writers.StartAsync(Token);
        app.MapEventStream("/api/events");
        var endpoint = Named(((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).ToList(), "/api/events");
        var hub = app.Services.GetRequiredService<SseConnectionHub>();
        using var leave = new CancellationTokenSource();
        var context = new DefaultHttpContext { RequestServices = app.Services, RequestAborted = leave.Token, User = Principal(user) };

        var stream = endpoint.RequestDelegate!(context);
        await WaitUntilAsync(() => hub.Count == 1, "the stream to be admitted");
        var audience = hub.Connections.Single().Audience;
        await leave.CancelAsync();
        await Within(stream, "the stream to end");

        audience.IsStaff.ShouldBe(isStaff);
        audience.CustomerId.ShouldBe(customerId);
        hub.CustomerCount.ShouldBe(0);
        await writers.StopAsync(Token);
    }

    private static ClaimsPrincipal Principal(string user)
    {
        Claim[] claims = user switch
        {
            "staff" => [new(ClaimTypes.Role, Roles.Staff)],
            "customer" => [new(ClaimTypes.NameIdentifier, "customer-1")],
            "staff-and-id" => [new(ClaimTypes.NameIdentifier, "staff-1"), new(ClaimTypes.Role, Roles.Staff)],
            _ => [new(ClaimTypes.Name, "someone")],
        };
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType: "Test"));
    }

    private static WebApplication CreateApp()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddInfrastructure(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Orders"] = "Data Source=:memory:",
        }).Build());
        return builder.Build();
    }

    private static RouteEndpoint Named(IEnumerable<Endpoint> endpoints, string pattern) =>
        endpoints.OfType<RouteEndpoint>().Single(endpoint => endpoint.RoutePattern.RawText == pattern);

    private static HttpRequest RoutedTo(Endpoint? endpoint)
    {
        var context = new DefaultHttpContext();
        context.SetEndpoint(endpoint);
        return context.Request;
    }
}
