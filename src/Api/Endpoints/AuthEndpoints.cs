using System.Security.Claims;
using CleanSse.Application.Common.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace CleanSse.Api.Endpoints;

/// <summary>
/// Sign-up, sign-in (bearer tokens, or the cookie with <c>?useCookies=true</c>), token refresh and account info, from
/// ASP.NET Core Identity, plus sign-out of the cookie session, who is signed in, and the dashboard's demo address.
/// </summary>
public static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var auth = api.MapGroup("/auth").WithTags("Auth");
        auth.MapIdentityApi<IdentityUser>();

        auth.MapPost("/logout", SignOut)
            .WithName(nameof(SignOut))
            .RequireAuthorization();

        auth.MapGet("/me", GetSignedInUser)
            .WithName(nameof(GetSignedInUser))
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapGet("/demo", GetDemoSignIn)
            .WithName(nameof(GetDemoSignIn))
            .AllowAnonymous();
        return api;
    }

    public static async Task<NoContent> SignOut(SignInManager<IdentityUser> signIn)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    /// <summary>The signed-in user as the dashboard needs it; the role is not part of Identity's own account info.</summary>
    public static Ok<SignedInUser> GetSignedInUser(ClaimsPrincipal principal, ICurrentUser user)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(user);
        var email = principal.FindFirstValue(ClaimTypes.Email) ?? principal.Identity?.Name ?? string.Empty;
        return TypedResults.Ok(new SignedInUser(email, user.UserId ?? string.Empty, user.IsStaff));
    }

    /// <summary>
    /// The demo staff address the sign-in form starts with, only while developing: elsewhere it would tell anyone the
    /// name of a staff account.
    /// </summary>
    public static Ok<DemoSignIn> GetDemoSignIn(IHostEnvironment environment, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(configuration);
        var email = environment.IsDevelopment() ? configuration["Auth:DemoStaff:Email"] : null;
        return TypedResults.Ok(new DemoSignIn(string.IsNullOrWhiteSpace(email) ? null : email));
    }
}

/// <summary>Who the request is signed in as: <c>GET /api/auth/me</c>.</summary>
public sealed record SignedInUser(string Email, string UserId, bool IsStaff);

/// <summary>The address the sign-in form is filled in with, null outside Development: <c>GET /api/auth/demo</c>.</summary>
public sealed record DemoSignIn(string? Email);
