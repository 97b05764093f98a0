using System.Collections.Concurrent;
using System.Security.Claims;
using CleanSse.Application.Common.Security;
using CleanSse.Infrastructure.Realtime.Connections;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Infrastructure.Realtime;

/// <summary>
/// Signs a stream request in and checks the stream endpoint's authorization, as the authentication and authorization
/// middleware would for any endpoint, then lets go of all of it. Those middleware await the rest of the request with
/// the sign-in in their frames, and the handlers keep their results in the request's services: for a stream, that is
/// a principal, its claims, two tickets and a service scope per idle stream, for hours. Here the sign-in is read once
/// into the stream's audience, in services that end with the admission.
/// </summary>
internal sealed class StreamAdmission(
    IServiceScopeFactory scopes,
    IAuthenticationSchemeProvider schemes,
    IAuthorizationPolicyProvider policies,
    IAuthorizationMiddlewareResultHandler refusals)
{
    private static readonly RequestDelegate NothingAfterRefusal = static _ => Task.CompletedTask;

    // Combined once per endpoint, as the authorization middleware does, when the provider allows it: a connect storm
    // would otherwise build the same policy ten thousand times.
    private readonly ConcurrentDictionary<Endpoint, AuthorizationPolicy?> _policies = new();

    /// <summary>
    /// The audience of an admitted stream; <see langword="null"/> when it was refused, with the refusal (401 or 403,
    /// as the application answers them) written.
    /// </summary>
    public async Task<StreamAudience?> AdmitAsync(HttpContext httpContext)
    {
        var policy = await PolicyOfAsync(httpContext.GetEndpoint());

        var requestServices = httpContext.Features.Get<IServiceProvidersFeature>();
        await using var admissionServices = scopes.CreateAsyncScope();
        httpContext.Features.Set<IServiceProvidersFeature>(new AdmissionServices(admissionServices.ServiceProvider));
        try
        {
            if (await schemes.GetDefaultAuthenticateSchemeAsync() is { } scheme
                && await httpContext.AuthenticateAsync(scheme.Name) is { Principal: { } principal })
            {
                httpContext.User = principal;
            }

            if (policy is not null)
            {
                var evaluator = admissionServices.ServiceProvider.GetRequiredService<IPolicyEvaluator>();
                var authentication = await evaluator.AuthenticateAsync(policy, httpContext);
                var authorization = await evaluator.AuthorizeAsync(policy, authentication, httpContext, httpContext);
                if (!authorization.Succeeded)
                {
                    await refusals.HandleAsync(NothingAfterRefusal, httpContext, policy, authorization);
                    return null;
                }
            }

            return AudienceOf(httpContext.User);
        }
        finally
        {
            // The request's own services come back, still unmade unless something before asked for them; the
            // principal goes with the feature that holds it: whoever asks for the user later gets an empty one.
            httpContext.Features.Set(requestServices);
            httpContext.Features.Set<IHttpAuthenticationFeature>(null);
        }
    }

    private async ValueTask<AuthorizationPolicy?> PolicyOfAsync(Endpoint? endpoint)
    {
        if (endpoint is null || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return null;
        }

        if (_policies.TryGetValue(endpoint, out var known))
        {
            return known;
        }

        var policy = await AuthorizationPolicy.CombineAsync(
            policies,
            endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(),
            endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>());
        if (policies.AllowsCachingPolicies)
        {
            _policies[endpoint] = policy;
        }

        return policy;
    }

    /// <summary>
    /// Whose events the stream carries: staff see every event, a customer only its own orders'. A user with neither
    /// role nor id gets a stream with no events at all.
    /// </summary>
    private static StreamAudience AudienceOf(ClaimsPrincipal user)
    {
        if (user.IsInRole(Roles.Staff))
        {
            return StreamAudience.Staff;
        }

        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        return string.IsNullOrEmpty(id) ? default : StreamAudience.Customer(id);
    }

    /// <summary>The admission's own scope, standing in for the request's services while the stream is admitted.</summary>
    private sealed class AdmissionServices(IServiceProvider services) : IServiceProvidersFeature
    {
        public IServiceProvider RequestServices { get; set; } = services;
    }
}
