using CleanSse.Infrastructure.Realtime.Connections;
using Microsoft.Extensions.Hosting;

namespace CleanSse.Infrastructure.Realtime;

/// <summary>
/// Ends every stream as soon as the host starts stopping, with a <c>retry:</c> hint, so the server's graceful
/// shutdown is not held up by streams that would otherwise never end, and clients come straight back elsewhere.
/// </summary>
internal sealed class StreamShutdownService(SseConnectionHub hub, IHostApplicationLifetime lifetime) : IHostedService
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(hub.CloseAll);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _registration.DisposeAsync().AsTask();
}
