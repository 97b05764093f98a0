namespace CleanSse.TestKit;

/// <summary>Someone who signs in to the service under test.</summary>
public sealed record TestUser(string Email, string Password);

/// <summary>
/// The users tests sign in as. Every service the kit starts has <see cref="Staff"/> (as its <c>Auth:DemoStaff</c>
/// account) and signs its clients in with it, so a test that is not about identity sees every order, as before;
/// customers are registered by the tests that need them.
/// </summary>
public static class TestUsers
{
    public static TestUser Staff { get; } = new("kit-staff@cleansse.test", "Kit-staff-pass-1");

    /// <summary>A customer no other test uses; register it before signing in.</summary>
    public static TestUser NewCustomer(string name = "customer") =>
        new($"{name}-{Guid.NewGuid():N}@cleansse.test", "Kit-customer-pass-1");

    /// <summary>The settings that give a service <see cref="Staff"/>, as configuration keys.</summary>
    public static IReadOnlyDictionary<string, string?> StaffSettings { get; } = new Dictionary<string, string?>
    {
        ["Auth:DemoStaff:Email"] = Staff.Email,
        ["Auth:DemoStaff:Password"] = Staff.Password,
    };
}
