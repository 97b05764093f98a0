namespace CleanSse.Application.Common.Security;

/// <summary>Who is making the request being handled: the use cases decide what that user may see and change.</summary>
public interface ICurrentUser
{
    /// <summary>The signed-in user's id, or <see langword="null"/> for an anonymous caller.</summary>
    string? UserId { get; }

    /// <summary>Staff see every order and make every allowed change; everyone else is a customer.</summary>
    bool IsStaff { get; }
}
