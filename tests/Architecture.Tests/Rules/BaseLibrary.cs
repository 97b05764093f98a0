using CleanSse.Architecture.Tests.Dependencies;

namespace CleanSse.Architecture.Tests.Rules;

/// <summary>
/// The parts of the .NET base library a layer may use, listed: whole namespaces (that namespace only, not the ones
/// below it), single types, and types refused even where their namespace is allowed. A type must also come from the
/// shared runtime, so a package cannot slip in under a base-library namespace.
/// </summary>
internal sealed class BaseLibrary
{
    private static readonly string RuntimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;

    // What the compiler itself emits or embeds: nullable and ref-safety attributes, async and iterator builders,
    // debugger hints on generated members, indexers' default member, generators' [GeneratedCode].
    private static readonly string[] CompilerNamespaces = ["System.Runtime.CompilerServices", "System.Diagnostics.CodeAnalysis"];

    private static readonly string[] CompilerTypes =
    [
        "Microsoft.CodeAnalysis.EmbeddedAttribute",
        "System.CodeDom.Compiler.GeneratedCodeAttribute",
        "System.Diagnostics.DebuggerBrowsableAttribute",
        "System.Diagnostics.DebuggerBrowsableState",
        "System.Diagnostics.DebuggerDisplayAttribute",
        "System.Diagnostics.DebuggerHiddenAttribute",
        "System.Diagnostics.DebuggerNonUserCodeAttribute",
        "System.Diagnostics.DebuggerStepThroughAttribute",
        "System.Reflection.DefaultMemberAttribute",
        // Expression trees are built from member handles.
        "System.Reflection.MemberInfo",
        "System.Reflection.MethodBase",
        "System.Reflection.MethodInfo",
        "System.Reflection.ConstructorInfo",
        "System.Reflection.FieldInfo",
        // 'in' parameters and 'await using' as the compiler lowers them.
        "System.Runtime.InteropServices.InAttribute",
        "System.Runtime.ExceptionServices.ExceptionDispatchInfo",
        // Collection expressions fill lists through their backing span.
        "System.Runtime.InteropServices.CollectionsMarshal",
    ];

    private readonly HashSet<string> _namespaces;
    private readonly HashSet<string> _types;
    private readonly HashSet<string> _refused;

    private BaseLibrary(IEnumerable<string> namespaces, IEnumerable<string> types, IEnumerable<string> refused)
    {
        _namespaces = [.. namespaces, .. CompilerNamespaces];
        _types = [.. types, .. CompilerTypes];
        _refused = [.. refused];
    }

    /// <summary>Primitives, collections, LINQ, text and globalization; no I/O, network, data, threads, timers or clocks.</summary>
    public static BaseLibrary ForDomain { get; } = new(
        namespaces:
        [
            "System",
            "System.Collections",
            "System.Collections.Generic",
            "System.Collections.ObjectModel",
            "System.Collections.Immutable",
            "System.Collections.Frozen",
            "System.Linq",
            "System.Linq.Expressions",
            "System.Numerics",
            "System.Text",
            "System.Text.RegularExpressions",
            "System.Globalization",
        ],
        types: [],
        refused: [.. ProcessWideState, "System.TimeProvider", "System.Threading.ITimer"]);

    /// <summary>
    /// The domain's, and tasks, cancellation, diagnostics (timing, tracing), the clock, and reading its own types'
    /// metadata: registration finds every validator, mapping and integration event type by scanning the assembly.
    /// </summary>
    public static BaseLibrary ForApplication { get; } = new(
        namespaces: [.. ForDomain._namespaces, "System.Threading.Tasks", "System.Diagnostics"],
        types:
        [
            "System.Threading.CancellationToken",
            "System.TimeProvider",
            "System.Reflection.Assembly",
            "System.Reflection.BindingFlags",
            "System.Reflection.PropertyInfo",
        ],
        refused:
        [
            .. ProcessWideState,
            "System.Diagnostics.Process",
            "System.Diagnostics.ProcessStartInfo",
            "System.Diagnostics.FileVersionInfo",
            "System.Diagnostics.EventLog",
        ]);

    /// <summary>Types of the <c>System</c> namespace that reach the console, the process or the machine.</summary>
    private static string[] ProcessWideState =>
    [
        "System.Console",
        "System.Environment",
        "System.AppContext",
        "System.AppDomain",
        "System.GC",
        "System.Activator",
    ];

    /// <param name="dependency">What a type depends on.</param>
    /// <param name="dependentAssembly">The assembly of the type that depends on it, where the compiler embeds its attributes.</param>
    public bool Allows(Dependency dependency, string dependentAssembly)
    {
        if (_refused.Contains(dependency.FullName))
        {
            return false;
        }

        var listed = _namespaces.Contains(dependency.Namespace) || _types.Contains(dependency.FullName);
        if (!listed)
        {
            return false;
        }

        var embeddedByTheCompiler = dependency.Assembly == dependentAssembly
            && (CompilerNamespaces.Contains(dependency.Namespace) || CompilerTypes.Contains(dependency.FullName));
        return embeddedByTheCompiler || IsPartOfTheRuntime(dependency.Assembly);
    }

    public static bool IsPartOfTheRuntime(string assembly) => File.Exists(Path.Combine(RuntimeDirectory, assembly + ".dll"));
}
