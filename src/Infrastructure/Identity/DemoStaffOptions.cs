namespace CleanSse.Infrastructure.Identity;

/// <summary>
/// A staff account that exists from start-up (<c>Auth:DemoStaff</c>), created or reset when both values are set, so a
/// demo or a development machine can sign in at once. Production leaves it unset and adds staff with <c>staff add</c>.
/// </summary>
public sealed class DemoStaffOptions
{
    public const string SectionName = "Auth:DemoStaff";

    public string? Email { get; set; }

    public string? Password { get; set; }

    public bool IsSet => !string.IsNullOrWhiteSpace(Email) && !string.IsNullOrEmpty(Password);
}
