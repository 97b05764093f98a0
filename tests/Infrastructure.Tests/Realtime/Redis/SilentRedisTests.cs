using System.Net;
using System.Net.Sockets;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.Infrastructure.Realtime.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure.Tests.Realtime.Redis;

/// <summary>
/// A Redis that takes the connection and never answers keeps the first connection attempt open for the whole connect
/// timeout. Whoever waits on the log must still be able to stop: the live reader when the service shuts down (a
/// graceful stop has a deadline), a stream's catch-up when its client leaves.
/// </summary>
public sealed class SilentRedisTests : IAsyncDisposable
{
    // Far longer than the tests take when nothing waits for the attempt; one that did fails after it ends.
    private const string SlowConnect = ",connectTimeout=30000,asyncTimeout=30000,syncTimeout=30000,connectRetry=1";

    private readonly TcpListener _silent = new(IPAddress.Loopback, 0);
    private readonly RedisConnections _connections;
    private readonly RedisStreamEventLog _log;

    public SilentRedisTests()
    {
        // Listening but never accepting: the kernel completes the TCP handshake, and nothing ever answers Redis's.
        _silent.Start();
        var options = new RedisOptions
        {
            ConnectionString = $"127.0.0.1:{((IPEndPoint)_silent.LocalEndpoint).Port}{SlowConnect}",
            KeyPrefix = "cleansse-silent",
        };
        _connections = new RedisConnections(options);
        _log = new RedisStreamEventLog(
            _connections, options, Options.Create(new EventLogOptions()), TimeProvider.System, NullLogger<RedisStreamEventLog>.Instance);
    }

    [Fact]
    public async Task The_live_feed_ends_at_its_cancellation_while_the_first_connection_attempt_is_open()
    {
        using var stopping = new CancellationTokenSource();
        await using var feed = _log.SubscribeAsync(stopping.Token).GetAsyncEnumerator(stopping.Token);

        var next = feed.MoveNextAsync().AsTask();
        await stopping.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(next);
        _connections.WaitForFirstAttempt(TimeSpan.Zero).ShouldBeFalse("the feed ended before Redis answered, not when the attempt gave up");
    }

    [Fact]
    public async Task Resolving_a_resume_point_and_reading_the_head_end_at_their_cancellation()
    {
        using var leaving = new CancellationTokenSource();
        var resolving = _log.ResolveAsync("1-0", leaving.Token).AsTask();
        var head = _log.GetHeadAsync(leaving.Token).AsTask();
        var replay = _log.ReadAfterAsync(EventPosition.Origin, 10, leaving.Token).AsTask();
        await leaving.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(resolving);
        await Should.ThrowAsync<OperationCanceledException>(head);
        await Should.ThrowAsync<OperationCanceledException>(replay);
        _connections.WaitForFirstAttempt(TimeSpan.Zero).ShouldBeFalse();
    }

    public async ValueTask DisposeAsync()
    {
        await _connections.DisposeAsync();
        _silent.Dispose();
    }
}
