using System.IO.Pipelines;
using CleanSse.Infrastructure.Tests.Realtime.Wire;

namespace CleanSse.Infrastructure.Tests.Realtime;

/// <summary>
/// The client end of a stream: a pipe whose writer the server side writes to, and, once started, a reader that keeps
/// every byte and parses it as it arrives. Left unstarted it is a client that has stopped reading.
/// </summary>
internal sealed class StreamClient
{
    private readonly Pipe _pipe;
    private readonly Lock _gate = new();
    private readonly List<byte> _bytes = [];
    private readonly SpecEventStreamParser _parser = new();
    private Task? _reading;

    private StreamClient(PipeOptions options) => _pipe = new Pipe(options);

    public PipeWriter Output => _pipe.Writer;

    public Task Reading => _reading ?? throw new InvalidOperationException("The client is not reading.");

    public IReadOnlyList<ParsedEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _parser.Events];
            }
        }
    }

    public byte[] Bytes
    {
        get
        {
            lock (_gate)
            {
                return [.. _bytes];
            }
        }
    }

    public long? ReconnectionTimeMilliseconds
    {
        get
        {
            lock (_gate)
            {
                return _parser.ReconnectionTimeMilliseconds;
            }
        }
    }

    public int CommentCount
    {
        get
        {
            lock (_gate)
            {
                return _parser.CommentCount;
            }
        }
    }

    /// <summary>A client reading as fast as it can.</summary>
    public static StreamClient ReadingFromStart() => Stalled(pauseAtBytes: 64 * 1024).StartReading();

    /// <summary>A client that reads nothing: the writer blocks once <paramref name="pauseAtBytes"/> are unread.</summary>
    public static StreamClient Stalled(long pauseAtBytes) =>
        new(new PipeOptions(pauseWriterThreshold: pauseAtBytes, resumeWriterThreshold: pauseAtBytes / 2, useSynchronizationContext: false));

    public StreamClient StartReading()
    {
        _reading ??= Task.Run(ReadAsync);
        return this;
    }

    /// <summary>Leaves: the server's next flush reports the stream as completed.</summary>
    public void Leave()
    {
        if (_reading is null)
        {
            _pipe.Reader.Complete();
        }
        else
        {
            // The reading loop owns the reader: it sees the cancelled read, stops and completes it.
            _pipe.Reader.CancelPendingRead();
        }
    }

    private async Task ReadAsync()
    {
        var reader = _pipe.Reader;
        while (true)
        {
            var result = await reader.ReadAsync();
            lock (_gate)
            {
                foreach (var segment in result.Buffer)
                {
                    _bytes.AddRange(segment.Span);
                    _parser.Feed(segment.Span);
                }
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }

        await reader.CompleteAsync();
    }
}
