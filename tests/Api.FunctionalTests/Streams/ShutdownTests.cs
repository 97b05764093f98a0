using System.Net.ServerSentEvents;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>On a graceful stop every stream gets a <c>retry:</c> hint and ends, so the stop is not held up.</summary>
public sealed class ShutdownTests
{
    private static readonly TimeSpan ShutdownRetry = TimeSpan.FromMilliseconds(2500);

    // Well under the host's 30-second shutdown timeout: a stop that waited for it would not count.
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Stopping_the_service_sends_retry_to_every_stream_and_ends_it()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["Realtime:ShutdownRetry"] = "00:00:02.500" }, cancellationToken: TestContext.Current.CancellationToken);
        var streams = new List<SseReader>
        {
            await SseReader.ConnectAsync(host),
            await SseReader.ConnectAsync(host),
            await SseReader.ConnectAsync(host, lastEventIdHeader: "unknown"),
        };
        try
        {
            var stopping = host.StopAsync(TestContext.Current.CancellationToken);

            foreach (var stream in streams)
            {
                var retry = await ReadUntilRetryAsync(stream);
                retry.ShouldBe((long)ShutdownRetry.TotalMilliseconds, stream.Transcript);
                (await stream.ReadBlockAsync()).ShouldBeNull($"the stream ends after its retry hint:\n{stream.Transcript}");
            }

            await stopping.WaitAsync(StopDeadline, TestContext.Current.CancellationToken);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task The_standard_parser_takes_the_retry_hint_and_sees_the_stream_end()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["Realtime:ShutdownRetry"] = "00:00:02.500" }, cancellationToken: TestContext.Current.CancellationToken);
        await using var stream = await SseReader.OpenAsync(host);
        var parser = SseParser.Create(await stream.Response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var items = new List<SseItem<string>>();

        await using (var enumerator = parser.EnumerateAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken))
        {
            (await enumerator.MoveNextAsync()).ShouldBeTrue();
            items.Add(enumerator.Current);
            var stopping = host.StopAsync(TestContext.Current.CancellationToken);

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(StopDeadline);
            while (await enumerator.MoveNextAsync().AsTask().WaitAsync(deadline.Token))
            {
                items.Add(enumerator.Current);
            }

            await stopping.WaitAsync(StopDeadline, TestContext.Current.CancellationToken);
        }

        items.Select(item => item.Data).ShouldBe(["""{"type":"connected"}"""]);
        parser.ReconnectionInterval.ShouldBe(ShutdownRetry);
    }

    private static async Task<long> ReadUntilRetryAsync(SseReader stream)
    {
        var deadline = DateTime.UtcNow + StopDeadline;
        while (true)
        {
            var block = await stream.ReadBlockAsync(deadline - DateTime.UtcNow)
                ?? throw new EndOfStreamException($"The stream ended without a retry hint:\n{stream.Transcript}");
            if (block.Retry is { } retry)
            {
                return retry;
            }
        }
    }
}
