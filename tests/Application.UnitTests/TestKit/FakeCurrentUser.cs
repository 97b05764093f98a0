using CleanSse.Application.Common.Security;

namespace CleanSse.Application.UnitTests.TestKit;

/// <summary>The user a handler runs for, set by the test.</summary>
internal sealed class FakeCurrentUser(string? userId, bool isStaff = false) : ICurrentUser
{
    public const string CustomerId = "customer-1";
    public const string OtherCustomerId = "customer-2";

    public string? UserId { get; } = userId;

    public bool IsStaff { get; } = isStaff;

    public static FakeCurrentUser Staff => new("staff-1", isStaff: true);

    public static FakeCurrentUser Customer => new(CustomerId);

    public static FakeCurrentUser OtherCustomer => new(OtherCustomerId);

    public static FakeCurrentUser Anonymous => new(null);
}
