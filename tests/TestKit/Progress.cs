using System.Globalization;

namespace CleanSse.TestKit;

/// <summary>Notes a test's steps in its output, with the time, so a failure shows how far it got and when.</summary>
public static class Progress
{
    public static void Note(string step) =>
        TestContext.Current.TestOutputHelper?.WriteLine(
            string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss.fff} {step}"));
}
