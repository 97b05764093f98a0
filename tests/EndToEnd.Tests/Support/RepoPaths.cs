namespace CleanSse.EndToEnd.Tests.Support;

/// <summary>Where things are: the test output (the service's content root) and the repository around it.</summary>
public static class RepoPaths
{
    public static string Output => AppContext.BaseDirectory;

    public static string ApiAssembly => Path.Combine(Output, "CleanSse.Api.dll");

    /// <summary>The folder holding CleanSse.sln, found by walking up from the test output.</summary>
    public static string Root { get; } = FindRoot();

    public static string Docs => Path.Combine(Root, "docs");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(Output); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CleanSse.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CleanSse.sln above {Output}.");
    }
}
