using System.Globalization;

namespace CleanSse.Tail;

/// <summary>The command line of <c>tail</c>, parsed by hand: it is small and has no sub-commands.</summary>
internal sealed record TailArguments(
    Uri Url,
    bool Json,
    string? LastEventId,
    int? MaxEvents,
    bool Reconnect,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? Token)
{
    /// <summary>Where the access token comes from when <c>--token</c> is not given: it then stays out of process lists.</summary>
    public const string TokenVariable = "CLEANSSE_TOKEN";

    public const string Usage = """
        usage: tail URL [--json] [--last-event-id ID] [--max-events N] [--no-reconnect] [--token T] [-H "Name: value"]...
          URL                 an http or https address of a text/event-stream
          --json              one JSON object a line: {"type":..,"data":..,"lastEventId":..}
          --last-event-id ID  resume after the event with this id (sent as Last-Event-ID)
          --max-events N      stop after N events
          --no-reconnect      stop when the first connection ends
          --token T           sign in with this access token (POST /api/auth/login); default: $CLEANSSE_TOKEN
          -H "Name: value"    add a request header; may be repeated
        exit: 0 done, 1 the stream failed, 2 bad arguments
        """;

    /// <summary>The parsed arguments, or null with <paramref name="error"/> telling what is wrong.</summary>
    public static TailArguments? Parse(IReadOnlyList<string> args, out string? error) =>
        Parse(args, Environment.GetEnvironmentVariable(TokenVariable), out error);

    /// <summary>As <see cref="Parse(IReadOnlyList{string}, out string?)"/>, with the token the environment gives.</summary>
    public static TailArguments? Parse(IReadOnlyList<string> args, string? environmentToken, out string? error)
    {
        string? token = null;
        Uri? url = null;
        var json = false;
        string? lastEventId = null;
        int? maxEvents = null;
        var reconnect = true;
        var headers = new List<KeyValuePair<string, string>>();
        error = null;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--json":
                    json = true;
                    break;
                case "--no-reconnect":
                    reconnect = false;
                    break;
                case "--token":
                    if (!TryValue(args, ref i, out token, out error))
                    {
                        return null;
                    }

                    break;
                case "--last-event-id":
                    if (!TryValue(args, ref i, out lastEventId, out error))
                    {
                        return null;
                    }

                    break;
                case "--max-events":
                    if (!TryValue(args, ref i, out var count, out error))
                    {
                        return null;
                    }

                    if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max < 1)
                    {
                        error = $"--max-events needs a whole number of at least 1, not '{count}'";
                        return null;
                    }

                    maxEvents = max;
                    break;
                case "-H" or "--header":
                    if (!TryValue(args, ref i, out var header, out error))
                    {
                        return null;
                    }

                    if (!TryParseHeader(header, out var parsed))
                    {
                        error = $"-H needs \"Name: value\", not '{header}'";
                        return null;
                    }

                    headers.Add(parsed);
                    break;
                default:
                    if (arg.StartsWith('-') || url is not null)
                    {
                        error = $"unexpected argument '{arg}'";
                        return null;
                    }

                    if (!Uri.TryCreate(arg, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                    {
                        error = $"'{arg}' is not an http or https URL";
                        return null;
                    }

                    break;
            }
        }

        if (url is null)
        {
            error = "the URL is missing";
            return null;
        }

        token ??= string.IsNullOrWhiteSpace(environmentToken) ? null : environmentToken.Trim();
        return new TailArguments(url, json, lastEventId, maxEvents, reconnect, headers, token);
    }

    private static bool TryValue(IReadOnlyList<string> args, ref int i, out string value, out string? error)
    {
        if (i + 1 >= args.Count)
        {
            value = string.Empty;
            error = $"{args[i]} needs a value";
            return false;
        }

        value = args[++i];
        error = null;
        return true;
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
