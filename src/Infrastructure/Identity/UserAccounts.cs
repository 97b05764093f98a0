using CleanSse.Application.Common.Security;
using Microsoft.AspNetCore.Identity;

namespace CleanSse.Infrastructure.Identity;

/// <summary>The user store behind <see cref="IUserAccounts"/>: ASP.NET Core Identity on the orders database.</summary>
internal sealed class UserAccounts(UserManager<IdentityUser> users, RoleManager<IdentityRole> roles) : IUserAccounts
{
    public async Task<IReadOnlyList<string>> EnsureStaffAsync(string email, string password, CancellationToken cancellationToken)
    {
        if (!await roles.RoleExistsAsync(Roles.Staff))
        {
            var created = await roles.CreateAsync(new IdentityRole(Roles.Staff));
            if (!created.Succeeded && !await roles.RoleExistsAsync(Roles.Staff))
            {
                return Describe(created);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var user = await users.FindByEmailAsync(email);
        if (user is not null && await users.CheckPasswordAsync(user, password) && await users.IsInRoleAsync(user, Roles.Staff))
        {
            // Already so: nothing to write, and instances starting together with the same demo account do not race.
            return [];
        }

        IdentityResult result;
        if (user is null)
        {
            user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
            result = await users.CreateAsync(user, password);
        }
        else
        {
            // Validated before the old password goes, so a refused password leaves the account as it was.
            result = await ValidatePasswordAsync(user, password);
            if (result.Succeeded)
            {
                result = await users.RemovePasswordAsync(user);
            }

            if (result.Succeeded)
            {
                result = await users.AddPasswordAsync(user, password);
            }
        }

        if (result.Succeeded && !await users.IsInRoleAsync(user, Roles.Staff))
        {
            result = await users.AddToRoleAsync(user, Roles.Staff);
        }

        return Describe(result);
    }

    private async Task<IdentityResult> ValidatePasswordAsync(IdentityUser user, string password)
    {
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            if (!result.Succeeded)
            {
                return result;
            }
        }

        return IdentityResult.Success;
    }

    private static IReadOnlyList<string> Describe(IdentityResult result) =>
        result.Succeeded ? [] : [.. result.Errors.Select(error => error.Description)];
}
