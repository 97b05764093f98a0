namespace CleanSse.Application.Common.Security;

/// <summary>The user store, as far as the use cases need it.</summary>
public interface IUserAccounts
{
    /// <summary>
    /// Makes <paramref name="email"/> a staff account with <paramref name="password"/>: creates it, or resets the password
    /// of the account that already has that address, and adds it to the staff role.
    /// </summary>
    /// <returns>What the store refused (a password its rules reject, say); empty on success.</returns>
    Task<IReadOnlyList<string>> EnsureStaffAsync(string email, string password, CancellationToken cancellationToken);
}
