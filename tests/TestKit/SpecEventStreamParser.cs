using System.Globalization;
using System.Text;

namespace CleanSse.TestKit;

/// <summary>An event as a client dispatches it: its type, its data and the last event id in force at that moment.</summary>
public sealed record ParsedEvent(string Type, string Data, string LastEventId);

/// <summary>
/// A client-side reader of text/event-stream, written step by step from the WHATWG HTML "Server-sent events" parsing and
/// interpreting rules. Bytes may arrive in chunks of any size: a chunk may end inside a UTF-8 sequence or between the CR
/// and the LF of a CRLF. Besides the events a client would dispatch, it keeps every block as sent (comments and
/// <c>retry:</c> included), because tests check what the server wrote, not only what a browser would show.
/// </summary>
public sealed class SpecEventStreamParser
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly StringBuilder _line = new();
    private readonly StringBuilder _data = new();
    private readonly List<ParsedEvent> _events = [];
    private readonly List<SseBlock> _blocks = [];
    private readonly List<string> _blockComments = [];
    private string? _blockEventType;
    private string? _blockId;
    private long? _blockRetry;
    private bool _blockSeen;
    private string _eventType = string.Empty;
    private string _lastEventIdBuffer = string.Empty;
    private bool _atStreamStart = true;
    private bool _previousWasCarriageReturn;

    /// <summary>Events dispatched so far, in order.</summary>
    public IReadOnlyList<ParsedEvent> Events => _events;

    /// <summary>Every block ended by a blank line so far, in order, whether or not it dispatched an event.</summary>
    public IReadOnlyList<SseBlock> Blocks => _blocks;

    /// <summary>The event source's last event id string, as last set by a dispatch.</summary>
    public string LastEventId { get; private set; } = string.Empty;

    /// <summary>The reconnection time in milliseconds a <c>retry</c> field set, if any.</summary>
    public long? ReconnectionTimeMilliseconds { get; private set; }

    /// <summary>Lines that were comments.</summary>
    public int CommentCount { get; private set; }

    public static SpecEventStreamParser Parse(ReadOnlySpan<byte> stream)
    {
        var parser = new SpecEventStreamParser();
        parser.Feed(stream);
        return parser;
    }

    public void Feed(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[_decoder.GetCharCount(bytes, flush: false)];
        var count = _decoder.GetChars(bytes, chars, flush: false);
        foreach (var c in chars.AsSpan(0, count))
        {
            Accept(c);
        }
    }

    private void Accept(char c)
    {
        // The UTF-8 decode algorithm drops one leading byte order mark.
        if (_atStreamStart)
        {
            _atStreamStart = false;
            if (c == '\uFEFF')
            {
                return;
            }
        }

        // A line ends with CRLF, a lone LF or a lone CR.
        if (_previousWasCarriageReturn)
        {
            _previousWasCarriageReturn = false;
            if (c == '\n')
            {
                return;
            }
        }

        switch (c)
        {
            case '\r':
                _previousWasCarriageReturn = true;
                ProcessLine();
                break;
            case '\n':
                ProcessLine();
                break;
            default:
                _line.Append(c);
                break;
        }
    }

    private void ProcessLine()
    {
        var line = _line.ToString();
        _line.Clear();

        if (line.Length == 0)
        {
            EndBlock();
            Dispatch();
            return;
        }

        _blockSeen = true;
        if (line[0] == ':')
        {
            CommentCount++;
            _blockComments.Add(line[1..].TrimStart(' '));
            return;
        }

        var colon = line.IndexOf(':', StringComparison.Ordinal);
        string field;
        string value;
        if (colon >= 0)
        {
            field = line[..colon];
            value = line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }
        }
        else
        {
            field = line;
            value = string.Empty;
        }

        ProcessField(field, value);
    }

    private void ProcessField(string field, string value)
    {
        switch (field)
        {
            case "event":
                _eventType = value;
                _blockEventType = value;
                break;
            case "data":
                _data.Append(value).Append('\n');
                break;
            case "id":
                if (!value.Contains('\0', StringComparison.Ordinal))
                {
                    _lastEventIdBuffer = value;
                    _blockId = value;
                }

                break;
            case "retry":
                if (value.Length > 0 && value.All(char.IsAsciiDigit)
                    && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
                {
                    ReconnectionTimeMilliseconds = milliseconds;
                    _blockRetry = milliseconds;
                }

                break;
            default:
                // Any other field is ignored.
                break;
        }
    }

    private void EndBlock()
    {
        if (!_blockSeen)
        {
            return;
        }

        string? data = _data.Length == 0 ? null : _data.ToString(0, _data[^1] == '\n' ? _data.Length - 1 : _data.Length);
        _blocks.Add(new SseBlock(_blockEventType, _blockId, data, _blockRetry, [.. _blockComments]));
        _blockSeen = false;
        _blockEventType = null;
        _blockId = null;
        _blockRetry = null;
        _blockComments.Clear();
    }

    private void Dispatch()
    {
        LastEventId = _lastEventIdBuffer;
        if (_data.Length == 0)
        {
            _eventType = string.Empty;
            return;
        }

        if (_data[^1] == '\n')
        {
            _data.Length--;
        }

        _events.Add(new ParsedEvent(_eventType.Length == 0 ? "message" : _eventType, _data.ToString(), LastEventId));
        _data.Clear();
        _eventType = string.Empty;
    }
}
