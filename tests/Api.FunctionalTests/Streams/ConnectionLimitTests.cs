using System.Net;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>
/// The connection limits. Other client addresses are other loopback addresses (all of 127.0.0.0/8 is loopback), so
/// one machine can play several clients.
/// </summary>
public sealed class ConnectionLimitTests(ConnectionLimitFixture fixture) : IClassFixture<ConnectionLimitFixture>
{
    private static readonly IPAddress FirstClient = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress SecondClient = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress ThirdClient = IPAddress.Parse("127.0.0.3");

    private SseConnectionHub Hub => fixture.Host.GetRequiredService<SseConnectionHub>();

    [Fact]
    public async Task A_stream_past_the_per_address_limit_gets_429_with_retry_after()
    {
        await Eventually.HoldsAsync(() => Hub.Count == 0, "no stream is open before the test", cancellationToken: TestContext.Current.CancellationToken);
        await using var first = await SseReader.ConnectAsync(fixture.Host, localAddress: FirstClient);
        await using var second = await SseReader.ConnectAsync(fixture.Host, localAddress: FirstClient);

        await using var third = await SseReader.OpenAsync(fixture.Host, localAddress: FirstClient);

        await third.Response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        third.Response.Headers.RetryAfter.ShouldNotBeNull();
        Hub.Count.ShouldBe(2);

        // The limit is per address: another client is still admitted.
        await using var other = await SseReader.ConnectAsync(fixture.Host, localAddress: SecondClient);
        Hub.Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_stream_past_the_server_limit_gets_503_with_retry_after()
    {
        await Eventually.HoldsAsync(() => Hub.Count == 0, "no stream is open before the test", cancellationToken: TestContext.Current.CancellationToken);
        await using var first = await SseReader.ConnectAsync(fixture.Host, localAddress: FirstClient);
        await using var second = await SseReader.ConnectAsync(fixture.Host, localAddress: SecondClient);
        await using var third = await SseReader.ConnectAsync(fixture.Host, localAddress: SecondClient);

        await using var fourth = await SseReader.OpenAsync(fixture.Host, localAddress: ThirdClient);

        await fourth.Response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        fourth.Response.Headers.RetryAfter.ShouldNotBeNull();
        Hub.Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_closed_stream_frees_its_place()
    {
        await Eventually.HoldsAsync(() => Hub.Count == 0, "no stream is open before the test", cancellationToken: TestContext.Current.CancellationToken);
        await using var kept = await SseReader.ConnectAsync(fixture.Host, localAddress: FirstClient);
        var closed = await SseReader.ConnectAsync(fixture.Host, localAddress: FirstClient);
        await using (var refused = await SseReader.OpenAsync(fixture.Host, localAddress: FirstClient))
        {
            refused.Response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        }

        await closed.DisposeAsync();
        await Eventually.HoldsAsync(() => Hub.Count == 1, "the closed stream has left the hub", cancellationToken: TestContext.Current.CancellationToken);

        await using var admitted = await SseReader.ConnectAsync(fixture.Host, localAddress: FirstClient);
        Hub.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Metrics_count_refused_streams()
    {
        await Eventually.HoldsAsync(() => Hub.Count == 0, "no stream is open before the test", cancellationToken: TestContext.Current.CancellationToken);
        await using var first = await SseReader.ConnectAsync(fixture.Host, localAddress: ThirdClient);
        await using var second = await SseReader.ConnectAsync(fixture.Host, localAddress: ThirdClient);
        await using (var refused = await SseReader.OpenAsync(fixture.Host, localAddress: ThirdClient))
        {
            refused.Response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        }

        using var client = fixture.Host.CreateClient();
        await Eventually.HoldsAsync(
            async () => Metrics.Value(await Metrics.ScrapeAsync(client), "cleansse_sse_refused_connections_total") >= 1,
            "/metrics counts the refused stream", cancellationToken: TestContext.Current.CancellationToken);
    }
}
