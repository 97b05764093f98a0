using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CleanSse.Architecture.Tests.Planting;

/// <summary>A C# source file to compile, and the path it would have in the repository.</summary>
internal sealed record SourceFile(string Path, string Text);

/// <summary>Compiles C# in memory against the framework, the service's assemblies and their packages.</summary>
internal static class InMemoryCompiler
{
    // Everything this test process may load: the shared frameworks (the base library and ASP.NET Core), the service's
    // assemblies and every package they use.
    private static readonly Lazy<IReadOnlyList<(string Name, MetadataReference Reference)>> Available = new(() =>
        [
            .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                .Select(path => (Path.GetFileNameWithoutExtension(path), (MetadataReference)MetadataReference.CreateFromFile(path))),
        ]);

    /// <summary>
    /// The image of an assembly named <paramref name="assemblyName"/> built from <paramref name="files"/>; an assembly of
    /// the same name among the references (the service's own, when the planted code poses as one of its layers) is left out.
    /// </summary>
    public static byte[] Compile(string assemblyName, IEnumerable<SourceFile> files)
    {
        var trees = files.Select(file => CSharpSyntaxTree.ParseText(file.Text, path: file.Path)).ToList();
        var compilation = CSharpCompilation.Create(
            assemblyName,
            trees,
            Available.Value.Where(reference => reference.Name != assemblyName).Select(reference => reference.Reference),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var errors = result.Diagnostics.Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error).ToList();
        if (!result.Success)
        {
            throw new InvalidOperationException(
                "The planted source does not compile:" + Environment.NewLine
                + string.Join(Environment.NewLine, errors) + Environment.NewLine
                + string.Join(Environment.NewLine + "----" + Environment.NewLine, trees.Select(tree => tree.ToString())));
        }

        return image.ToArray();
    }
}
