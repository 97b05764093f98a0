using CleanSse.Application.Common.Security;
using Mediator;

namespace CleanSse.Application.Common.Behaviours;

/// <summary>Refuses a request marked <see cref="AuthorizeAttribute"/> that its user may not send, before its handler runs.</summary>
public sealed class AuthorizationBehaviour<TMessage, TResponse>(ICurrentUser user) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    // Read once per message type: the attributes of a type do not change.
    private static readonly AuthorizeAttribute[] Requirements =
        [.. typeof(TMessage).GetCustomAttributes(typeof(AuthorizeAttribute), inherit: true).Cast<AuthorizeAttribute>()];

    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (Requirements.Length > 0)
        {
            if (user.UserId is null)
            {
                throw new UnauthorizedAccessException("Sign in first.");
            }

            foreach (var requirement in Requirements)
            {
                var roles = requirement.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (roles.Length > 0 && !roles.Any(role => role == Roles.Staff && user.IsStaff))
                {
                    throw new ForbiddenAccessException("This needs a role the signed-in user does not have.");
                }
            }
        }

        return next(message, cancellationToken);
    }
}
