using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;

namespace CleanSse.Infrastructure.Identity;

/// <summary>
/// Makes the bearer scheme the default one and lets it pick who reads a request: itself when the request carries a
/// bearer token, the cookie scheme otherwise. That is what Identity's own default, a composite scheme, decides too (the
/// bearer result when it is not "none", else the cookie's), but the composite asks the authentication service again for
/// the bearer scheme on every request (a second handler made and initialized, its result transformed twice) and, for a
/// browser, a third time for the cookie: about 3 % of a signed-in GET's CPU. Challenges, refusals and sign-ins stay with
/// the bearer scheme, as they were with the composite: a 401 is never turned into a redirect to a login page, and a
/// token sign-in never sets a cookie.
/// </summary>
internal static class BearerOrCookieScheme
{
    // Exactly what the bearer handler looks for: a request whose Authorization header does not start so gets "none" there.
    private const string BearerPrefix = "Bearer ";

    public static void Configure(AuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DefaultScheme = IdentityConstants.BearerScheme;
        options.DefaultAuthenticateScheme = null;
        options.DefaultChallengeScheme = null;
        options.DefaultForbidScheme = null;
        options.DefaultSignInScheme = null;
        options.DefaultSignOutScheme = null;
    }

    public static void Configure(BearerTokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ForwardDefaultSelector = ReaderOf;
        options.ForwardChallenge = IdentityConstants.BearerScheme;
        options.ForwardForbid = IdentityConstants.BearerScheme;
        options.ForwardSignIn = IdentityConstants.BearerScheme;
        options.ForwardSignOut = IdentityConstants.BearerScheme;
    }

    /// <summary>Null (the bearer scheme itself) for a request with a bearer token, else the cookie scheme.</summary>
    public static string? ReaderOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.Headers.Authorization.ToString().StartsWith(BearerPrefix, StringComparison.Ordinal)
            ? null
            : IdentityConstants.ApplicationScheme;
    }
}
