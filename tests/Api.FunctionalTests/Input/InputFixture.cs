using System.Collections.Concurrent;
using CleanSse.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace CleanSse.Api.FunctionalTests.Input;

/// <summary>A service whose log events at Error and above are kept, so a test can tell a refusal from a failure.</summary>
public sealed class InputFixture : IAsyncLifetime
{
    private ServiceHost? _host;

    public ServiceHost Host => _host ?? throw new InvalidOperationException("The fixture has not started yet.");

    public ErrorLog Errors { get; } = new();

    public async ValueTask InitializeAsync() =>
        _host = await ServiceHost.StartAsync(configureServices: services => services.AddSingleton<ILogEventSink>(Errors));

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>Every event logged at Error or Fatal, with its exception.</summary>
    public sealed class ErrorLog : ILogEventSink
    {
        private readonly ConcurrentQueue<string> _errors = new();

        public IReadOnlyList<string> All => [.. _errors];

        public void Emit(LogEvent logEvent)
        {
            ArgumentNullException.ThrowIfNull(logEvent);
            if (logEvent.Level >= LogEventLevel.Error)
            {
                _errors.Enqueue($"{logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)} {logEvent.Exception}");
            }
        }
    }
}
