namespace CleanSse.TestKit;

/// <summary>Where things are: the test output (where the build copied the service) and the repository around it.</summary>
public static class RepoPaths
{
    public static string Output => AppContext.BaseDirectory;

    /// <summary>The folder holding CleanSse.sln, found by walking up from the test output.</summary>
    public static string Root { get; } = FindRoot();

    public static string Docs => Path.Combine(Root, "docs");

    /// <summary>
    /// CleanSse.Api.dll as the build left it: next to the test assembly (a project reference copies it there), or else
    /// in src/Api's own output.
    /// </summary>
    public static string ApiAssembly()
    {
        static bool Runnable(string dll) => File.Exists(dll) && File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json"));

        var beside = Path.Combine(Output, "CleanSse.Api.dll");
        if (Runnable(beside))
        {
            return beside;
        }

        var bin = Path.Combine(Root, "src", "Api", "bin");
        var built = Directory.Exists(bin)
            ? Directory.EnumerateFiles(bin, "CleanSse.Api.dll", SearchOption.AllDirectories)
                .Where(Runnable)
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault()
            : null;
        return built ?? throw new FileNotFoundException($"CleanSse.Api.dll (with its runtimeconfig.json) is neither in {Output} nor in {bin}.");
    }

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
