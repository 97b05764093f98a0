using System.Diagnostics;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanSse.Application.Common.Behaviours;

/// <summary>Logs every message by name with its duration, and failures with their exception.</summary>
public sealed partial class LoggingBehaviour<TMessage, TResponse>(ILogger<LoggingBehaviour<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);

        // Both lines are at Information or below: with neither written, the message is not timed or wrapped at all.
        return logger.IsEnabled(LogLevel.Information) ? LogAsync(message, next, cancellationToken) : next(message, cancellationToken);
    }

    private async ValueTask<TResponse> LogAsync(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        var name = typeof(TMessage).Name;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            LogHandled(name, elapsed.TotalMilliseconds);
            return response;
        }
        catch (Exception exception)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var exceptionType = exception.GetType().Name;
            LogFailed(name, elapsed.TotalMilliseconds, exceptionType);
            throw;
        }
    }

    // Debug: each request is already logged once, with its route, status and time; a second line per request at
    // Information doubled the console writes of every request.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Handled {MessageName} in {ElapsedMs:0.0} ms")]
    private partial void LogHandled(string messageName, double elapsedMs);

    // Expected failures (validation, not found, conflicts) are answered as problem details; the exception type is enough here.
    [LoggerMessage(Level = LogLevel.Information, Message = "{MessageName} failed after {ElapsedMs:0.0} ms with {ExceptionType}")]
    private partial void LogFailed(string messageName, double elapsedMs, string exceptionType);
}
