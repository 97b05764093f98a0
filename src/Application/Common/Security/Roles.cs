namespace CleanSse.Application.Common.Security;

/// <summary>The roles a user can hold. A signed-in user without a role is a customer.</summary>
public static class Roles
{
    public const string Staff = "staff";
}
