using System.Net;
using System.Net.Sockets;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>A client that stops reading is let go, within its queue's bound, and costs the others nothing.</summary>
public sealed class SlowClientTests(SlowClientFixture fixture) : IClassFixture<SlowClientFixture>
{
    private const int MaxEventsToPublish = 5_000;

    private SseConnectionHub Hub => fixture.Host.GetRequiredService<SseConnectionHub>();

    private IEventLog Log => fixture.Host.GetRequiredService<IEventLog>();

    [Fact]
    public async Task A_stalled_client_is_disconnected_within_its_bound_while_another_receives_every_event()
    {
        await Eventually.HoldsAsync(() => Hub.Count == 0, "no stream is open before the test", cancellationToken: TestContext.Current.CancellationToken);
        await using var reader = await SseReader.ConnectAsync(fixture.Host);
        var readerId = Hub.Connections.Single().Id;

        using var stalled = await OpenStalledStreamAsync();
        await Eventually.HoldsAsync(() => Hub.Count == 2, "the stalled client's stream is open", cancellationToken: TestContext.Current.CancellationToken);
        var stalledConnection = Hub.Connections.Single(connection => connection.Id != readerId);
        await Eventually.HoldsAsync(() => stalledConnection.IsLive, "the stalled client's stream is live", cancellationToken: TestContext.Current.CancellationToken);

        var data = $$"""{"padding":"{{new string('x', 16 * 1024)}}"}""";
        var largestFrame = 0;
        var published = 0;
        while (stalledConnection.DisconnectReason == DisconnectReason.None)
        {
            published.ShouldBeLessThan(MaxEventsToPublish, "the stalled client was never disconnected");
            var logged = await Log.AppendAsync("bulk", data, TestContext.Current.CancellationToken);
            largestFrame = Math.Max(largestFrame, logged.Frame.Length);
            published++;

            // The reading client keeps up: each event reaches it before the next is published.
            (await reader.ReadEventAsync()).Id.ShouldBe(logged.Id);
        }

        stalledConnection.DisconnectReason.ShouldBe(DisconnectReason.SlowClient);
        stalledConnection.PeakQueuedBytes.ShouldBeLessThanOrEqualTo(SlowClientFixture.MaxQueuedBytes + largestFrame);
        await Eventually.HoldsAsync(() => Hub.Count == 1, "the stalled client's stream is removed from the hub", cancellationToken: TestContext.Current.CancellationToken);
        Hub.Connections.Single().Id.ShouldBe(readerId);

        var after = await Log.AppendAsync("bulk", """{"after":true}""", TestContext.Current.CancellationToken);
        (await reader.ReadEventAsync()).Id.ShouldBe(after.Id, "the reading client is still served");

        using var client = fixture.Host.CreateClient();
        await Eventually.HoldsAsync(
            async () => Metrics.Value(await Metrics.ScrapeAsync(client), "cleansse_sse_slow_client_disconnects_total") >= 1,
            "/metrics counts the slow-client disconnect", cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>Sends the request on a socket with a tiny receive buffer, then never reads from it.</summary>
    private async Task<Socket> OpenStalledStreamAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, fixture.Host.BaseAddress.Port, TestContext.Current.CancellationToken);
            var request = $"GET {SseReader.EventsPath} HTTP/1.1\r\nHost: {fixture.Host.BaseAddress.Authority}\r\nAccept: text/event-stream\r\n" +
                $"Authorization: Bearer {fixture.Host.Clients.AccessToken}\r\n\r\n";
            await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(request), SocketFlags.None, TestContext.Current.CancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
