using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace CleanSse.Api.Endpoints;

/// <summary>
/// Sign-up, sign-in (bearer tokens, or the cookie with <c>?useCookies=true</c>), token refresh and account info, from
/// ASP.NET Core Identity, plus sign-out of the cookie session.
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
        return api;
    }

    public static async Task<NoContent> SignOut(SignInManager<IdentityUser> signIn)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }
}
