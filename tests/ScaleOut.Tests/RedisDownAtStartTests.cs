using System.Diagnostics;
using System.Globalization;
using System.Net;
using CleanSse.TestKit;

namespace CleanSse.ScaleOut.Tests;

/// <summary>
/// An instance that starts while Redis is down: it must answer and take orders at once (the outbox keeps their events
/// until Redis is back), not after a Redis connect timeout per request.
/// </summary>
public sealed class RedisDownAtStartTests
{
    // Redis's connect and command timeouts are set to five minutes, so an answer that waited on Redis at all would take
    // that long. The limits below only tell such a wait from a slow machine: unloaded an answer takes about 100 ms, and
    // the first, cold one of a process was seen to take 3.4 s on two shared cores under a load average of 30.
    private const string SlowTimeouts = ",connectTimeout=300000,asyncTimeout=300000,syncTimeout=300000";
    private static readonly TimeSpan HealthLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RequestLimit = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_service_started_while_Redis_refuses_connections_answers_health_and_takes_orders_at_once()
    {
        // A loopback port nothing listens on: every connection attempt is refused.
        var nowhere = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{LoopbackPorts.Free()}");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = nowhere + SlowTimeouts,
            ["Realtime:KeyPrefix"] = $"cleansse-down-{Guid.NewGuid():N}",
        };

        var starting = Stopwatch.StartNew();
        await using var host = await ServiceHost.StartAsync(settings, cancellationToken: Token);
        Progress.Note($"started and signed in after {starting.ElapsedMilliseconds} ms");

        using var anonymous = host.Clients.CreateAnonymous();
        var health = Stopwatch.StartNew();
        using (var response = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative), Token))
        {
            health.Stop();
            Progress.Note($"/healthz answered {(int)response.StatusCode} after {health.ElapsedMilliseconds} ms");
            response.StatusCode.ShouldBeOneOf(HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable);
        }

        health.Elapsed.ShouldBeLessThan(HealthLimit, "the first health answer does not wait for Redis");

        var login = Stopwatch.StartNew();
        await host.Clients.LoginAsync(TestUsers.Staff, Token);
        login.Elapsed.ShouldBeLessThan(RequestLimit, "signing in does not wait for Redis (the key ring)");

        for (var i = 1; i <= 3; i++)
        {
            var post = Stopwatch.StartNew();
            var order = await host.Orders.CreateAsync($"Redis down {i}", cancellationToken: Token);
            post.Stop();
            Progress.Note($"POST {i} answered 201 after {post.ElapsedMilliseconds} ms ({order.Id})");
            post.Elapsed.ShouldBeLessThan(RequestLimit, $"POST {i} does not wait for Redis");
        }

    }
}
