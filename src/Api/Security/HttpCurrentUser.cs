using System.Security.Claims;
using CleanSse.Application.Common.Security;

namespace CleanSse.Api.Security;

/// <summary>The user of the HTTP request being handled, from the principal that authentication established.</summary>
public sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private ClaimsPrincipal? Principal => accessor.HttpContext?.User;

    public string? UserId => Principal is { Identity.IsAuthenticated: true } user ? user.FindFirstValue(ClaimTypes.NameIdentifier) : null;

    public bool IsStaff => Principal is { Identity.IsAuthenticated: true } user && user.IsInRole(Roles.Staff);
}
