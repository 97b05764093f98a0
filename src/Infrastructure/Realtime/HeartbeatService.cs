using CleanSse.Infrastructure.Realtime.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure.Realtime;

/// <summary>One timer for every stream: a comment on each one left idle, so proxies keep it open.</summary>
internal sealed class HeartbeatService(SseConnectionHub hub, IOptions<RealtimeOptions> options)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Ticking at half the interval, and sending to streams idle for half of it, keeps every gap under the interval.
        var half = options.Value.HeartbeatInterval / 2;
        using var timer = new PeriodicTimer(half);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                hub.SendHeartbeats(Environment.TickCount64 - (long)half.TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
