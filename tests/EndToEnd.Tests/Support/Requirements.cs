namespace CleanSse.EndToEnd.Tests.Support;

/// <summary>
/// What these tests need from the machine. Missing on a developer's machine, a test is skipped and says why; missing
/// in CI (CI=true), it fails, so a green run never hides a suite that did not run.
/// </summary>
public static class Requirements
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Require(bool available, string reason)
    {
        if (available)
        {
            return;
        }

        if (IsCi)
        {
            Assert.Fail($"{reason} (CI=true, so this is a failure rather than a skip)");
        }

        Assert.Skip(reason);
    }

    /// <summary>The value of an environment variable the test cannot run without.</summary>
    public static string RequireVariable(string name, string example)
    {
        var value = Environment.GetEnvironmentVariable(name);
        Require(!string.IsNullOrWhiteSpace(value), $"{name} is not set (e.g. {name}=\"{example}\")");
        return value!;
    }
}
