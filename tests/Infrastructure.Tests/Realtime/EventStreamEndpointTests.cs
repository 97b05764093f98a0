using CleanSse.Infrastructure.Realtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

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
        produces.Select(p => p.StatusCode).ShouldBe([200, 429, 503]);
        produces[0].ContentTypes.ShouldBe(["text/event-stream"]);
        produces.Skip(1).ShouldAllBe(p => p.ContentTypes.Single() == "application/problem+json");
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
