using FluentValidation;
using Mediator;

namespace CleanSse.Application.Common.Behaviours;

/// <summary>Runs every validator of a message before its handler; an invalid message never reaches the handler.</summary>
public sealed class ValidationBehaviour<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    private readonly IValidator<TMessage>[] _validators = [.. validators];

    public ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);

        // Most queries have no validator: they go straight on, with no frame of this behaviour around them.
        return _validators.Length > 0 ? ValidateThenHandleAsync(message, next, cancellationToken) : next(message, cancellationToken);
    }

    private async ValueTask<TResponse> ValidateThenHandleAsync(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        var failures = new List<FluentValidation.Results.ValidationFailure>();
        foreach (var validator in _validators)
        {
            // One context per validator: a context collects failures, so a shared one would report earlier
            // validators' failures again in every later validator's result.
            var result = await ValidateAsync(validator, message, cancellationToken);
            failures.AddRange(result.Errors);
        }

        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }

        return await next(message, cancellationToken);
    }

    // Synchronously where every rule is synchronous: the asynchronous path wraps each rule, each item and each child
    // rule in its own state machine, a twentieth of an order's CPU. A validator with an asynchronous rule refuses to
    // run synchronously, and runs asynchronously instead.
    private static async ValueTask<FluentValidation.Results.ValidationResult> ValidateAsync(
        IValidator<TMessage> validator, TMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return validator.Validate(new ValidationContext<TMessage>(message));
        }
        catch (AsyncValidatorInvokedSynchronouslyException)
        {
            return await validator.ValidateAsync(new ValidationContext<TMessage>(message), cancellationToken);
        }
    }
}
