using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;

namespace CleanSse.Api.Security;

/// <summary>
/// Answers a refused request (401 without a user, 403 without the right) with problem details, as every other error,
/// the event stream included: it is refused here, before it is a stream, and status-code pages leave streams alone.
/// </summary>
public sealed class ProblemDetailsAuthorizationResultHandler(IProblemDetailsService problemDetails) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);

        // Allowed: on to the endpoint, with no frame of this handler around every request.
        return authorizeResult.Succeeded ? next(context) : RefuseAsync(next, context, policy, authorizeResult);
    }

    private async Task RefuseAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        await _default.HandleAsync(next, context, policy, authorizeResult);
        if ((authorizeResult.Challenged || authorizeResult.Forbidden) && !context.Response.HasStarted)
        {
            var (title, detail) = authorizeResult.Challenged
                ? ("Unauthorized", "Sign in first: send a bearer token from POST /api/auth/login, or the sign-in cookie.")
                : ("Forbidden", "The signed-in user may not do this.");
            var problem = new ProblemDetails { Status = context.Response.StatusCode, Title = title, Detail = detail };

            // The problem-details writer declines a request that accepts no JSON, as an EventSource's (text/event-stream)
            // does; the refusal is still a problem document then, not an empty body.
            if (!await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
            {
                await TypedResults.Problem(problem).ExecuteAsync(context);
            }
        }
    }
}
