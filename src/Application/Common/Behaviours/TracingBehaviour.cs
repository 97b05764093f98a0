using System.Diagnostics;
using CleanSse.Application.Common.Tracing;
using Mediator;

namespace CleanSse.Application.Common.Behaviours;

/// <summary>One span per message through the mediator, named after the message, around the rest of the pipeline.</summary>
public sealed class TracingBehaviour<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);

        // Nobody records spans: no span, and no frame of this behaviour around every message.
        return Telemetry.Source.HasListeners() ? TraceAsync(message, next, cancellationToken) : next(message, cancellationToken);
    }

    private static async ValueTask<TResponse> TraceAsync(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Source.StartActivity(typeof(TMessage).Name);
        try
        {
            return await next(message, cancellationToken);
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
    }
}
