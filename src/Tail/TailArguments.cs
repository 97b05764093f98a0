using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace CleanSse.Tail;

/// <summary>The command line of <c>cleansse-tail</c>, on System.CommandLine.</summary>
internal sealed record TailArguments(
    Uri Url,
    bool? Json,
    bool NoColor,
    string? LastEventId,
    IReadOnlyList<string> Types,
    int? MaxEvents,
    int? MaxAttempts,
    bool Reconnect,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? Token)
{
    public const string CommandName = "cleansse-tail";

    /// <summary>Where the access token comes from when <c>--token</c> is not given: it then stays out of process lists.</summary>
    public const string TokenVariable = "CLEANSSE_TOKEN";

    /// <summary>The path of the service's stream, used when the URL names only the server.</summary>
    public const string EventsPath = "api/events";

    public const string Usage = $"usage: {CommandName} URL [options]; see {CommandName} --help";

    public const string ExitCodes = """
        Exit codes:
          0    done: --max-events reached, the stream ended under --no-reconnect, or the output was closed
          1    bad usage
          2    unauthorized: the server answered 401 or 403 (a missing, wrong or expired token)
          3    unreachable: --max-attempts connections in a row failed, or the stream broke under --no-reconnect
          4    refused: the server answered, but not with an event stream (204, another status, another content type)
          130  interrupted (Ctrl+C, SIGTERM)
        """;

    private const int DefaultMaxAttempts = 10;

    private readonly record struct Symbols(
        Argument<string> Url,
        Option<string?> Token,
        Option<string[]> Types,
        Option<string?> Since,
        Option<bool> Json,
        Option<bool> Text,
        Option<bool> NoColor,
        Option<int?> MaxEvents,
        Option<int> MaxAttempts,
        Option<bool> NoReconnect,
        Option<string[]> Headers);

    /// <summary>The parsed arguments, or null with <paramref name="error"/> telling what is wrong.</summary>
    public static TailArguments? Parse(IReadOnlyList<string> args, string? environmentToken, out string? error) =>
        Parse(args, environmentToken, out error, out _);

    /// <summary>As <see cref="Parse(IReadOnlyList{string}, string?, out string?)"/>, with the parse result for help and version.</summary>
    public static TailArguments? Parse(IReadOnlyList<string> args, string? environmentToken, out string? error, out ParseResult result)
    {
        var (_, symbols, parsed) = Create(args);
        result = parsed;
        if (parsed.Action is not null and not ParseErrorAction)
        {
            // --help or --version: nothing to run.
            error = null;
            return null;
        }

        if (parsed.Errors.Count > 0)
        {
            error = string.Join("; ", parsed.Errors.Select(e => e.Message));
            return null;
        }

        error = null;
        var token = parsed.GetValue(symbols.Token);
        token ??= string.IsNullOrWhiteSpace(environmentToken) ? null : environmentToken.Trim();
        bool? json = parsed.GetValue(symbols.Json) ? true : parsed.GetValue(symbols.Text) ? false : null;
        var maxAttempts = parsed.GetValue(symbols.MaxAttempts);
        return new TailArguments(
            StreamUrl(parsed.GetValue(symbols.Url)!),
            json,
            parsed.GetValue(symbols.NoColor),
            parsed.GetValue(symbols.Since),
            parsed.GetValue(symbols.Types) ?? [],
            parsed.GetValue(symbols.MaxEvents),
            maxAttempts == 0 ? null : maxAttempts,
            !parsed.GetValue(symbols.NoReconnect),
            [.. (parsed.GetValue(symbols.Headers) ?? []).Select(header => TryParseHeader(header, out var pair) ? pair : default)],
            token);
    }

    private static (Command Command, Symbols Symbols, ParseResult Parsed) Create(IReadOnlyList<string> args)
    {
        var url = new Argument<string>("URL")
        {
            Description = $"The server (its stream is {EventsPath} under it) or the full http or https address of any text/event-stream.",
        };
        url.Validators.Add(result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            {
                result.AddError($"'{value}' is not an http or https URL");
            }
        });
        var token = new Option<string?>("--token")
        {
            Description = $"Sign in with this access token (POST /api/auth/login); default: ${TokenVariable}, which keeps it out of process lists.",
            HelpName = "token",
        };
        var types = new Option<string[]>("--type", "-t")
        {
            Description = "Print only events of this type (e.g. new-order; 'message' for unnamed ones); repeat for several.",
            HelpName = "type",
            AllowMultipleArgumentsPerToken = false,
        };
        var since = new Option<string?>("--since", "--last-event-id")
        {
            Description = "Resume after the event with this id (sent as Last-Event-ID).",
            HelpName = "id",
        };
        var json = new Option<bool>("--json") { Description = "One JSON object a line: {\"type\":..,\"data\":..,\"lastEventId\":..}. The default when the output is not a terminal." };
        var text = new Option<bool>("--text") { Description = "Readable lines, 'type #id: data', even when the output is not a terminal." };
        var noColor = new Option<bool>("--no-color") { Description = "No colour on a terminal (also when NO_COLOR is set)." };
        var maxEvents = new Option<int?>("--max-events", "-n") { Description = "Stop after this many printed events.", HelpName = "count" };
        maxEvents.Validators.Add(result =>
        {
            // A value that is not a number already has its error; only the range is checked here.
            if (result.Tokens is [var value] && int.TryParse(value.Value, out var count) && count < 1)
            {
                result.AddError("--max-events needs a whole number of at least 1");
            }
        });
        var maxAttempts = new Option<int>("--max-attempts")
        {
            Description = "Give up (exit 3) after this many failed connection attempts in a row; 0 for never.",
            HelpName = "count",
            DefaultValueFactory = _ => DefaultMaxAttempts,
        };
        maxAttempts.Validators.Add(result =>
        {
            if (result.Tokens is [var value] && int.TryParse(value.Value, out var count) && count < 0)
            {
                result.AddError("--max-attempts needs a whole number of at least 0");
            }
        });
        var noReconnect = new Option<bool>("--no-reconnect") { Description = "Stop when the first connection ends." };
        var headers = new Option<string[]>("--header", "-H")
        {
            Description = "Add a request header, \"Name: value\"; repeat for several.",
            HelpName = "header",
            AllowMultipleArgumentsPerToken = false,
        };
        headers.Validators.Add(result =>
        {
            foreach (var header in result.Tokens.Select(t => t.Value))
            {
                if (!TryParseHeader(header, out _))
                {
                    result.AddError($"-H needs \"Name: value\", not '{header}'");
                }
            }
        });

        // A command of the tool's name rather than a RootCommand, whose name would be the assembly's.
        var command = new Command(CommandName, $"Print the events of a CleanSse (or any Server-Sent Events) stream as they arrive.\n\n{ExitCodes}")
        {
            url, token, types, since, json, text, noColor, maxEvents, maxAttempts, noReconnect, headers, new HelpOption(), new VersionOption(),
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(json) && result.GetValue(text))
            {
                result.AddError("--json and --text exclude each other");
            }
        });

        var symbols = new Symbols(url, token, types, since, json, text, noColor, maxEvents, maxAttempts, noReconnect, headers);
        return (command, symbols, command.Parse(args));
    }

    /// <summary>The stream's address: a URL that names only a server gets the service's stream path.</summary>
    private static Uri StreamUrl(string value)
    {
        var url = new Uri(value, UriKind.Absolute);
        return url.AbsolutePath == "/" && string.IsNullOrEmpty(url.Query) ? new Uri(url, EventsPath) : url;
    }

    private static bool TryParseHeader(string header, out KeyValuePair<string, string> parsed)
    {
        parsed = default;
        var colon = header.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var name = header[..colon].Trim();
        var value = header[(colon + 1)..].Trim();

        // The name must be one a request may carry; HttpClient knows the rules.
        using var probe = new HttpRequestMessage();
        if (name.Length == 0 || !probe.Headers.TryAddWithoutValidation(name, value))
        {
            return false;
        }

        parsed = new KeyValuePair<string, string>(name, value);
        return true;
    }
}
