using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CleanSse.Client;

namespace CleanSse.Tail;

/// <summary>Prints the events of a stream, one line each, until it ends, fails or is stopped.</summary>
internal static class TailCommand
{
    public const int Done = 0;
    public const int Failed = 1;
    public const int BadArguments = 2;
    public const int Interrupted = 130;

    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        Stream stdout,
        TextWriter stderr,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        if (args.Count == 1 && args[0] is "-h" or "--help")
        {
            await WriteAndFlushAsync(stdout, Encoding.UTF8.GetBytes(TailArguments.Usage + "\n"), cancellationToken);
            return Done;
        }

        var arguments = TailArguments.Parse(args, out var error);
        if (arguments is null)
        {
            await stderr.WriteLineAsync($"tail: {error}");
            await stderr.WriteLineAsync(TailArguments.Usage);
            await stderr.FlushAsync(cancellationToken);
            return BadArguments;
        }

        var options = new SseClientOptions
        {
            LastEventId = arguments.LastEventId,
            Reconnect = arguments.Reconnect,
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

        using var client = new SseClient(arguments.Url, options);
        using var output = new EventWriter(stdout, arguments.Json);
        var count = 0;
        try
        {
            await foreach (var sseEvent in client.ReadEventsAsync(cancellationToken))
            {
                if (!await output.TryWriteAsync(sseEvent, cancellationToken))
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
        catch (Exception exception) when (exception is SseConnectionException or InvalidDataException or InvalidOperationException)
        {
            await stderr.WriteLineAsync($"tail: {OneLine(exception.Message)}");
            await stderr.FlushAsync(CancellationToken.None);
            return Failed;
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static async Task WriteAndFlushAsync(Stream stream, byte[] bytes, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(bytes, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>Writes each event as one line and flushes it at once, so a reader sees it while the stream goes on.</summary>
    private sealed class EventWriter(Stream stdout, bool json) : IDisposable
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
                    await stdout.WriteAsync(Encoding.UTF8.GetBytes(Readable(sseEvent)), cancellationToken);
                }

                await stdout.FlushAsync(cancellationToken);
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }

        /// <summary><c>type #lastEventId: data</c>, the data's later lines indented under the first.</summary>
        private static string Readable(SseEvent sseEvent)
        {
            var line = new StringBuilder(sseEvent.Type.Length + sseEvent.Data.Length + 16);
            line.Append(sseEvent.Type);
            if (sseEvent.LastEventId.Length > 0)
            {
                line.Append(" #").Append(sseEvent.LastEventId);
            }

            line.Append(": ").Append(sseEvent.Data.Replace("\n", "\n    ", StringComparison.Ordinal)).Append('\n');
            return line.ToString();
        }
    }
}
