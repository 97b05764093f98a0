using Microsoft.Extensions.Logging;

namespace CleanSse.ScaleOut.Tests.TestKit;

/// <summary>A logger that counts warnings and worse, to follow a component's retries from outside.</summary>
public sealed class WarningCounter<T> : ILogger<T>
{
    private int _warnings;

    public int Warnings => Volatile.Read(ref _warnings);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Interlocked.Increment(ref _warnings);
        }
    }
}
