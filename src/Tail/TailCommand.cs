using System.CommandLine;
using System.CommandLine.Invocation;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CleanSse.Client;

namespace CleanSse.Tail;

/// <summary>Prints the events of a stream, one line each, until it ends, fails or is stopped.</summary>
internal static class TailCommand
{
    public const int Done = 0;
    public const int BadUsage = 1;
    public const int Unauthorized = 2;
    public const int Unreachable = 3;
    public const int Refused = 4;
    public const int Interrupted = 130;

    /// <summary>Runs with the surroundings of a process whose output is not a terminal.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, Stream stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        RunAsync(args, stdout, stderr, TailConsole.Current(outputIsTerminal: false), cancellationToken);

    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        Stream stdout,
        TextWriter stderr,
        TailConsole console,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(console);

        var arguments = TailArguments.Parse(args, console.EnvironmentToken, out var error, out var parsed);
        // Help and version are the only actions: the command itself has none, and parse errors are reported below.
        if (parsed.Action is not null and not ParseErrorAction)
        {
            await using var output = new StreamWriter(stdout, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
            await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = stderr }, cancellationToken);
            await output.FlushAsync(cancellationToken);
            return Done;
        }

        if (arguments is null)
        {
            await stderr.WriteLineAsync($"{TailArguments.CommandName}: {error}");
            await stderr.WriteLineAsync(TailArguments.Usage);
            await stderr.FlushAsync(cancellationToken);
            return BadUsage;
        }

        var options = new SseClientOptions
        {
            LastEventId = arguments.LastEventId,
            Reconnect = arguments.Reconnect,
            MaxAttempts = arguments.MaxAttempts,
            AccessTokenProvider = arguments.Token is { } token ? _ => ValueTask.FromResult<string?>(token) : null,
            ConfigureRequest = arguments.Headers.Count == 0 ? null : (request, _) =>
            {
                foreach (var (name, value) in arguments.Headers)
                {
                    request.Headers.Remove(name);
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                return ValueTask.CompletedTask;
            },
        };

        var json = arguments.Json ?? !console.OutputIsTerminal;
        var colour = !json && console.OutputIsTerminal && !console.NoColor && !arguments.NoColor;
        var types = arguments.Types.Count == 0 ? null : new HashSet<string>(arguments.Types, StringComparer.Ordinal);
        using var client = new SseClient(arguments.Url, options);
        using var writer = new EventWriter(stdout, json, colour);
        var count = 0;
        try
        {
            await foreach (var sseEvent in client.ReadEventsAsync(cancellationToken))
            {
                if (types is not null && !types.Contains(sseEvent.Type))
                {
                    continue;
                }

                if (!await writer.TryWriteAsync(sseEvent, cancellationToken))
                {
                    // Whoever read the output went away (a closed pipe): nothing more to do.
                    return Done;
                }

                if (++count == arguments.MaxEvents)
                {
                    break;
                }
            }

            return Done;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Interrupted;
        }
        catch (SseConnectionException exception)
        {
            await stderr.WriteLineAsync($"{TailArguments.CommandName}: {OneLine(exception.Message)}");
            await stderr.FlushAsync(CancellationToken.None);
            return ExitCodeOf(exception);
        }
    }

    internal static int ExitCodeOf(SseConnectionException exception) => exception switch
    {
        { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } => Unauthorized,
        { Reason: SseFailureReason.NoContent or SseFailureReason.UnexpectedStatus or SseFailureReason.UnexpectedContentType } => Refused,
        _ => Unreachable,
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>Writes each event as one line and flushes it at once, so a reader sees it while the stream goes on.</summary>
    private sealed class EventWriter(Stream stdout, bool json, bool colour) : IDisposable
    {
        private static readonly JsonWriterOptions JsonOptions = new()
        {
            // The output is read by people and programs, never embedded in HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        private readonly Utf8JsonWriter _json = new(stdout, JsonOptions);

        public void Dispose() => _json.Dispose();

        public async ValueTask<bool> TryWriteAsync(SseEvent sseEvent, CancellationToken cancellationToken)
        {
            try
            {
                if (json)
                {
                    _json.Reset();
                    _json.WriteStartObject();
                    _json.WriteString("type", sseEvent.Type);
                    _json.WriteString("data", sseEvent.Data);
                    _json.WriteString("lastEventId", sseEvent.LastEventId);
                    _json.WriteEndObject();
                    await _json.FlushAsync(cancellationToken);
                    stdout.WriteByte((byte)'\n');
                }
                else
                {
                    await stdout.WriteAsync(Encoding.UTF8.GetBytes(Readable(sseEvent, colour)), cancellationToken);
                }

                await stdout.FlushAsync(cancellationToken);
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }

        /// <summary>
        /// <c>type #lastEventId: data</c>, the data's later lines indented under the first; on a terminal the type is
        /// coloured by what it means and the id is dim.
        /// </summary>
        private static string Readable(SseEvent sseEvent, bool colour)
        {
            var line = new StringBuilder(sseEvent.Type.Length + sseEvent.Data.Length + 32);
            line.Append(colour ? Paint(sseEvent.Type) : sseEvent.Type);
            if (sseEvent.LastEventId.Length > 0)
            {
                line.Append(colour ? $" {Dim}#{Escaped(sseEvent.LastEventId)}{Reset}" : $" #{sseEvent.LastEventId}");
            }

            line.Append(": ").Append(sseEvent.Data.Replace("\n", "\n    ", StringComparison.Ordinal)).Append('\n');
            return line.ToString();
        }

        private const string Reset = "\u001b[0m";
        private const string Dim = "\u001b[2m";

        private static string Paint(string type)
        {
            var code = type switch
            {
                "new-order" => "\u001b[32m",
                "order-updated" => "\u001b[36m",
                "reset" => "\u001b[31m",
                SseEvent.DefaultType => "\u001b[2m",
                _ => "\u001b[35m",
            };
            return code + Escaped(type) + Reset;
        }

        /// <summary>Control characters a server sent must not drive the terminal.</summary>
        private static string Escaped(string text) =>
            text.Any(char.IsControl) ? string.Concat(text.Select(c => char.IsControl(c) ? '?' : c)) : text;
    }
}
