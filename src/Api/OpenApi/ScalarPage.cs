using Scalar.AspNetCore;

namespace CleanSse.Api.OpenApi;

/// <summary>
/// The Content-Security-Policy of the Scalar reference. Its page starts from inline module scripts, which carry a
/// nonce drawn per request; the bundle builds its styles at run time, so styles need <c>'unsafe-inline'</c> here (and
/// only here). Everything else comes from this origin.
/// </summary>
public static class ScalarPage
{
    public static string ContentSecurityPolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>Sends the policy with the page, naming the nonce Scalar drew for it.</summary>
    public static RequestDelegate WithContentSecurityPolicy(RequestDelegate page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return context =>
        {
            context.Response.OnStarting(() =>
            {
                if (context.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce)
                {
                    context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
                }

                return Task.CompletedTask;
            });
            return page(context);
        };
    }
}
