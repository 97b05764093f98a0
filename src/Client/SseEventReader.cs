using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace CleanSse.Client;

/// <summary>
/// Parses one <c>text/event-stream</c> body into events by the rules of the HTML standard's
/// "Interpreting an event stream": bytes in, UTF-8 decoded only for what an event keeps.
/// </summary>
/// <remarks>
/// The reader does not own the stream. It holds the stream's last event id and reconnection time, so a client that
/// reconnects starts the next reader with <see cref="LastEventId"/>. One reader serves one consumer at a time.
/// </remarks>
public sealed class SseEventReader
{
    private const int InitialBufferSize = 4096;
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private static readonly SearchValues<byte> LineEnds = SearchValues.Create([Cr, Lf]);

    private readonly Stream _stream;

    // Read bytes not yet parsed are _buffer[_start.._end].
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _start;
    private int _end;
    private bool _started;
    private bool _endOfStream;

    // A CR ended the last line: an LF right after it belongs to that line end, even in the next read.
    private bool _skipLf;

    private readonly ArrayBufferWriter<byte> _data = new(256);
    private bool _hasData;
    private readonly ArrayBufferWriter<byte> _eventType = new(32);

    // The last event id buffer of the standard, and the decoded string it was last turned into.
    private readonly ArrayBufferWriter<byte> _idBuffer = new(64);
    private readonly ArrayBufferWriter<byte> _lastIdBytes = new(64);
    private string _idBufferText;

    // Event types repeat: the last one decoded is kept, so the common case allocates no string for it.
    private byte[] _lastTypeBytes = [];
    private string _lastType = SseEvent.DefaultType;

    /// <summary>A reader of <paramref name="stream"/> that starts with <paramref name="lastEventId"/> as the last event id.</summary>
    /// <param name="stream">The response body, read from its current position.</param>
    /// <param name="lastEventId">The id carried over from an earlier connection of the same stream; empty when none.</param>
    public SseEventReader(Stream stream, string? lastEventId = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        LastEventId = lastEventId ?? string.Empty;
        _idBufferText = LastEventId;
        _idBuffer.Write(Encoding.UTF8.GetBytes(LastEventId));
        _lastIdBytes.Write(_idBuffer.WrittenSpan);
    }

    /// <summary>
    /// The stream's last event id: set from the last <c>id:</c> field (one without NUL) each time a block ends with a
    /// blank line, whether or not the block dispatches an event. It is what a reconnect sends as <c>Last-Event-ID</c>.
    /// </summary>
    public string LastEventId { get; private set; }

    /// <summary>The reconnection time the stream asked for with its last valid <c>retry:</c> field; null when none.</summary>
    public TimeSpan? ReconnectionTime { get; private set; }

    /// <summary>The next dispatched event, or null when the stream ended (an unfinished last block is discarded).</summary>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    public async ValueTask<SseEvent?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (!_started && !await SkipByteOrderMarkAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            if (TryParseBuffered() is { } parsed)
            {
                return parsed;
            }

            if (_endOfStream || !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    /// <summary>Every event of the stream until it ends.</summary>
    public async IAsyncEnumerable<SseEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false) is { } sseEvent)
        {
            yield return sseEvent;
        }
    }

    /// <summary>
    /// Drops one UTF-8 byte order mark at the very start of the stream. False when the stream ended before anything
    /// else could be read.
    /// </summary>
    private async ValueTask<bool> SkipByteOrderMarkAsync(CancellationToken cancellationToken)
    {
        while (MayBeIncompleteByteOrderMark())
        {
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                _started = true;
                return _end > _start;
            }
        }

        if (_buffer.AsSpan(_start, _end - _start).StartsWith(ByteOrderMark))
        {
            _start += ByteOrderMark.Length;
        }

        _started = true;
        return true;
    }

    private bool MayBeIncompleteByteOrderMark() =>
        _end - _start < ByteOrderMark.Length && ByteOrderMark.StartsWith(_buffer.AsSpan(_start, _end - _start));

    /// <summary>Reads more bytes after the buffered ones. False at the end of the stream.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        var pending = _end - _start;
        if (pending == 0)
        {
            _start = _end = 0;
        }
        else if (_buffer.Length - _end < _buffer.Length / 4)
        {
            // Little room after the unparsed bytes: move them to the front, into a larger buffer when they are a
            // long line that would soon fill this one again.
            var target = pending > _buffer.Length / 2 ? new byte[_buffer.Length * 2] : _buffer;
            _buffer.AsSpan(_start, pending).CopyTo(target);
            _buffer = target;
            _start = 0;
            _end = pending;
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _endOfStream = true;
            return false;
        }

        _end += read;
        return true;
    }

    /// <summary>Parses the complete lines buffered until one of them dispatches an event.</summary>
    private SseEvent? TryParseBuffered()
    {
        while (_start < _end)
        {
            if (_skipLf)
            {
                _skipLf = false;
                if (_buffer[_start] == Lf)
                {
                    _start++;
                    continue;
                }
            }

            var pending = _buffer.AsSpan(_start, _end - _start);
            var lineEnd = pending.IndexOfAny(LineEnds);
            if (lineEnd < 0)
            {
                return null;
            }

            _skipLf = pending[lineEnd] == Cr;
            _start += lineEnd + 1;
            if (ProcessLine(pending[..lineEnd]) is { } dispatched)
            {
                return dispatched;
            }
        }

        return null;
    }

    private SseEvent? ProcessLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            return Dispatch();
        }

        if (line[0] == (byte)':')
        {
            return null;
        }

        ReadOnlySpan<byte> name;
        ReadOnlySpan<byte> value;
        var colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            name = line;
            value = [];
        }
        else
        {
            name = line[..colon];
            value = line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }
        }

        if (name.SequenceEqual("data"u8))
        {
            _data.Write(value);
            _data.Write("\n"u8);
            _hasData = true;
        }
        else if (name.SequenceEqual("event"u8))
        {
            _eventType.ResetWrittenCount();
            _eventType.Write(value);
        }
        else if (name.SequenceEqual("id"u8))
        {
            if (!value.Contains((byte)0))
            {
                _idBuffer.ResetWrittenCount();
                _idBuffer.Write(value);
            }
        }
        else if (name.SequenceEqual("retry"u8))
        {
            SetRetry(value);
        }

        return null;
    }

    private void SetRetry(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return;
        }

        long milliseconds = 0;
        foreach (var digit in value)
        {
            // A value past what a delay can hold is as good as for ever: it saturates instead of wrapping.
            milliseconds = Math.Min(milliseconds * 10 + (digit - '0'), (long)int.MaxValue);
        }

        ReconnectionTime = TimeSpan.FromMilliseconds(milliseconds);
    }

    private SseEvent? Dispatch()
    {
        LastEventId = IdBufferText();
        if (!_hasData)
        {
            _eventType.ResetWrittenCount();
            return null;
        }

        var data = _data.WrittenSpan[..^1];
        var sseEvent = new SseEvent(EventTypeText(), data.IsEmpty ? string.Empty : Encoding.UTF8.GetString(data), LastEventId);
        _data.ResetWrittenCount();
        _hasData = false;
        _eventType.ResetWrittenCount();
        return sseEvent;
    }

    private string IdBufferText()
    {
        var bytes = _idBuffer.WrittenSpan;
        if (!bytes.SequenceEqual(_lastIdBytes.WrittenSpan))
        {
            _lastIdBytes.ResetWrittenCount();
            _lastIdBytes.Write(bytes);
            _idBufferText = Encoding.UTF8.GetString(bytes);
        }

        return _idBufferText;
    }

    private string EventTypeText()
    {
        var bytes = _eventType.WrittenSpan;
        if (bytes.IsEmpty)
        {
            return SseEvent.DefaultType;
        }

        if (!bytes.SequenceEqual(_lastTypeBytes))
        {
            _lastTypeBytes = bytes.ToArray();
            _lastType = Encoding.UTF8.GetString(bytes);
        }

        return _lastType;
    }
}
