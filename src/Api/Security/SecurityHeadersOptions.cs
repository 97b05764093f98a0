using System.ComponentModel.DataAnnotations;

namespace CleanSse.Api.Security;

/// <summary>
/// The Content-Security-Policy of each part of the site, by path prefix (section <c>SecurityHeaders</c>). The longest
/// prefix that matches a request's path wins; <c>/</c> covers everything else. Every policy forbids framing.
/// </summary>
public sealed class SecurityHeadersOptions
{
    public const string SectionName = "SecurityHeaders";

    /// <summary>
    /// The dashboard: its scripts, styles and workers come only from this site, never inline; the icon is a
    /// <c>data:</c> URL; it calls and streams from this site alone.
    /// </summary>
    public const string DashboardPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>JSON, problem documents, streams and metrics: nothing in them may load or run anything.</summary>
    public const string NoContentPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Path prefix to policy. A page with other needs gets its own entry here, in this one place (an API reference at
    /// <c>/scalar</c>, for instance, needs its own script and style sources), or under <c>SecurityHeaders:ContentSecurityPolicies</c>
    /// in configuration.
    /// </summary>
    [Required]
    public Dictionary<string, string> ContentSecurityPolicies { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/"] = DashboardPolicy,
        ["/api"] = NoContentPolicy,
        ["/healthz"] = NoContentPolicy,
        ["/metrics"] = NoContentPolicy,
        ["/openapi"] = NoContentPolicy,
    };

    /// <summary>The value of <c>Referrer-Policy</c>: addresses of this site, which may carry order ids, never leave it.</summary>
    [Required]
    public string ReferrerPolicy { get; set; } = "no-referrer";

    /// <summary>Every prefix starts with <c>/</c>, one covers <c>/</c>, and every policy forbids framing.</summary>
    public bool IsValid(out string problem)
    {
        foreach (var (prefix, policy) in ContentSecurityPolicies)
        {
            if (!prefix.StartsWith('/'))
            {
                problem = $"SecurityHeaders:ContentSecurityPolicies: the prefix '{prefix}' must start with '/'.";
                return false;
            }

            if (!policy.Contains("frame-ancestors", StringComparison.OrdinalIgnoreCase))
            {
                problem = $"SecurityHeaders:ContentSecurityPolicies: the policy of '{prefix}' must set frame-ancestors.";
                return false;
            }
        }

        if (!ContentSecurityPolicies.ContainsKey("/"))
        {
            problem = "SecurityHeaders:ContentSecurityPolicies needs a policy for '/'.";
            return false;
        }

        problem = string.Empty;
        return true;
    }
}
