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
        var schedule = HeartbeatSchedule.For(options.Value.HeartbeatInterval);
        using var timer = new PeriodicTimer(schedule.Tick);
        var slice = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                hub.SendHeartbeats(Environment.TickCount64 - (long)schedule.IdleAfter.TotalMilliseconds, schedule, slice);
                slice = (slice + 1) % schedule.Slices;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
