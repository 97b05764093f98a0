namespace CleanSse.Architecture.Tests.Planting;

/// <summary>Where in a type a planted statement hides: each is compiled differently, several into types of their own.</summary>
internal enum HidingPlace
{
    Method,
    Lambda,
    AsyncLambda,
    LocalFunction,
    AsyncMethod,
    Iterator,
    NestedType,
}

/// <summary>A type planted in generated source: its full name, and the source file that declares it.</summary>
internal sealed record PlantedType(string FullName, HidingPlace HidingPlace, SourceFile File)
{
    /// <summary>Whether a reported offender is this type or one nested in it.</summary>
    public bool Is(string offender) => offender == FullName || offender.StartsWith(FullName + "+", StringComparison.Ordinal);
}

/// <summary>
/// Writes types that hide one statement (which reads a variable <c>state</c> of type <c>object?</c>) under random
/// namespaces, type names and folders, in each <see cref="HidingPlace"/>.
/// </summary>
internal sealed class Planter(Random random)
{
    private static readonly string[] Words =
    [
        "Alder", "Birch", "Cobalt", "Delta", "Ember", "Fjord", "Garnet", "Harbor", "Indigo", "Juniper", "Kestrel", "Lumen",
        "Maple", "Nimbus", "Onyx", "Pylon", "Quartz", "Raven", "Sable", "Tundra", "Umber", "Vertex", "Willow", "Xenon",
        "Yarrow", "Zephyr", "Ledger", "Parcel", "Beacon", "Cinder",
    ];

    private static readonly string[] Suffixes = ["Helper", "Service", "Tools", "Support", "Gateway", "Module", "Routes", "Extensions", ""];

    private int _planted;

    public string Word() => Words[random.Next(Words.Length)];

    public string Phrase(int min, int max) => string.Concat(Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => Word()));

    /// <summary>A namespace under <paramref name="root"/> (or, when it is null, anywhere) with one to three random segments.</summary>
    public string Namespace(string? root) =>
        string.Join('.', (root is null ? [] : new[] { root }).Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => Word())));

    public T Pick<T>(IReadOnlyList<T> choices) => choices[random.Next(choices.Count)];

    public bool Coin() => random.Next(2) == 0;

    /// <summary>A type name no other planted type has, ending with <paramref name="suffix"/> or, when null, a random non-endpoint one.</summary>
    public string TypeName(string? suffix = null) =>
        Phrase(1, 2) + (_planted++).ToString(System.Globalization.CultureInfo.InvariantCulture) + (suffix ?? Pick(Suffixes));

    /// <summary>
    /// A type in <paramref name="namespace"/> named <paramref name="name"/>, static or sealed, whose one member hides
    /// <paramref name="statement"/> in <paramref name="place"/>, in a file at a random path.
    /// </summary>
    public PlantedType Plant(string @namespace, string name, bool isStatic, HidingPlace place, string statement, string usings = "", string baseList = "", string members = "")
    {
        var member = place switch
        {
            HidingPlace.Method => $"public static void Run(object? state) {{ {statement} }}",
            HidingPlace.Lambda => $"public static System.Action<object?> Run {{ get; }} = state => {{ {statement} }};",
            HidingPlace.AsyncLambda =>
                $"public static System.Func<object?, System.Threading.Tasks.Task> Run {{ get; }} = async state => {{ await System.Threading.Tasks.Task.Yield(); {statement} }};",
            HidingPlace.LocalFunction => $"public static void Run(object? state) {{ Inner(); void Inner() {{ {statement} }} }}",
            HidingPlace.AsyncMethod =>
                $"public static async System.Threading.Tasks.Task RunAsync(object? state) {{ await System.Threading.Tasks.Task.Yield(); {statement} }}",
            HidingPlace.Iterator =>
                $"public static System.Collections.Generic.IEnumerable<int> Run(object? state) {{ yield return 0; {statement} yield return 1; }}",
            HidingPlace.NestedType => $"private sealed class {Word()}Part {{ public static void Run(object? state) {{ {statement} }} }}",
            _ => throw new ArgumentOutOfRangeException(nameof(place)),
        };

        var text = $$"""
            {{usings}}
            namespace {{@namespace}}
            {
                public {{(isStatic ? "static" : "sealed")}} class {{name}} {{baseList}}
                {
                    {{members}}
                    {{member}}
                }
            }
            """;
        var path = "src/" + string.Join('/', Enumerable.Range(0, random.Next(1, 4)).Select(_ => Word())) + "/" + name + ".cs";
        return new PlantedType(@namespace + "." + name, place, new SourceFile(path, text));
    }
}
