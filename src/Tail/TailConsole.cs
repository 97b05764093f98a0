namespace CleanSse.Tail;

/// <summary>What the process's surroundings decide about the output and the token.</summary>
/// <param name="OutputIsTerminal">Standard output is a terminal: readable lines (in colour) by default, else JSON lines.</param>
/// <param name="NoColor">NO_COLOR is set to something: no colour, whatever the output.</param>
/// <param name="EnvironmentToken">The value of CLEANSSE_TOKEN.</param>
internal sealed record TailConsole(bool OutputIsTerminal, bool NoColor, string? EnvironmentToken)
{
    /// <summary>The surroundings of this process.</summary>
    public static TailConsole Current(bool outputIsTerminal) => new(
        outputIsTerminal,
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")),
        Environment.GetEnvironmentVariable(TailArguments.TokenVariable));
}
