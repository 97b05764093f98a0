using System.Buffers;
using System.Globalization;
using System.Text;

namespace CleanSse.Infrastructure.Realtime.Wire;

/// <summary>
/// Turns events, comments and retry hints into the bytes of the text/event-stream format (WHATWG HTML, 9.2).
/// It is the only place that writes field lines, so no input can inject a field or an event: data is split on
/// every line break into one <c>data:</c> line each, and an event type or id that could end its line is refused.
/// </summary>
internal static class SseFrame
{
    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    private static ReadOnlySpan<byte> EventPrefix => "event: "u8;

    private static ReadOnlySpan<byte> IdPrefix => "id: "u8;

    private static ReadOnlySpan<byte> RetryPrefix => "retry: "u8;

    /// <summary>Encodes one event, ending with the blank line that dispatches it.</summary>
    /// <exception cref="ArgumentException">The type or id holds CR, LF or NUL.</exception>
    public static byte[] Event(string? eventType, string? id, string data)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + (data?.Length ?? 0));
        WriteEvent(buffer, eventType, id, data);
        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteEvent(IBufferWriter<byte> writer, string? eventType, string? id, string? data)
    {
        ArgumentNullException.ThrowIfNull(writer);
        EnsureSingleLine(eventType, nameof(eventType));
        EnsureSingleLine(id, nameof(id));

        if (eventType is not null)
        {
            WriteField(writer, EventPrefix, eventType);
        }

        if (id is not null)
        {
            WriteField(writer, IdPrefix, id);
        }

        WriteLines(writer, DataPrefix, data ?? string.Empty);
        WriteLineBreak(writer);
    }

    /// <summary>A comment line, which every client ignores; it keeps idle connections open through proxies.</summary>
    public static byte[] Comment(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteLines(buffer, ":"u8, text ?? string.Empty);
        WriteLineBreak(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A block with only a <c>retry:</c> field: it sets the client's reconnection delay and dispatches nothing.</summary>
    public static byte[] Retry(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        var buffer = new ArrayBufferWriter<byte>(32);
        WriteField(buffer, RetryPrefix, ((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        WriteLineBreak(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteField(IBufferWriter<byte> writer, ReadOnlySpan<byte> prefix, ReadOnlySpan<char> value)
    {
        writer.Write(prefix);
        WriteUtf8(writer, value);
        WriteLineBreak(writer);
    }

    private static void WriteUtf8(IBufferWriter<byte> writer, ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        var span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length));
        var written = Encoding.UTF8.GetBytes(value, span);
        writer.Advance(written);
    }

    private static void WriteLineBreak(IBufferWriter<byte> writer) => writer.Write("\n"u8);

    private static void EnsureSingleLine(string? value, string paramName)
    {
        if (value is not null && value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException("An SSE field value cannot contain CR, LF or NUL.", paramName);
        }
    }

    /// <summary>Writes one field line per line of <paramref name="text"/>, splitting on CRLF, CR and LF alike.</summary>
    private static void WriteLines(IBufferWriter<byte> writer, ReadOnlySpan<byte> prefix, string text)
    {
        var rest = text.AsSpan();
        while (true)
        {
            var index = rest.IndexOfAny('\r', '\n');
            if (index < 0)
            {
                WriteField(writer, prefix, rest);
                return;
            }

            WriteField(writer, prefix, rest[..index]);
            var skip = rest[index] == '\r' && index + 1 < rest.Length && rest[index + 1] == '\n' ? 2 : 1;
            rest = rest[(index + skip)..];
        }
    }
}
