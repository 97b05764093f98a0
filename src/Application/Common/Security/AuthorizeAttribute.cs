namespace CleanSse.Application.Common.Security;

/// <summary>
/// A request that only a signed-in user may send, and, with <see cref="Roles"/>, only one in one of those roles.
/// <c>AuthorizationBehaviour</c> checks it before the handler runs, whoever sends the request.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = true)]
public sealed class AuthorizeAttribute : Attribute
{
    /// <summary>Comma-separated roles, any one of which suffices; empty for any signed-in user.</summary>
    public string Roles { get; init; } = string.Empty;
}
