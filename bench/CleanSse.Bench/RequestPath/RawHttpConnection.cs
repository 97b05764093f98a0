using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CleanSse.Bench.RequestPath;

/// <summary>The answer to one request: its status, and its <c>Location</c> header's last segment when it had one.</summary>
public readonly record struct RawResponse(int Status, string? LocationId);

/// <summary>
/// One HTTP/1.1 keep-alive connection, driven by one caller: a request written in one send, the response read into a
/// reused buffer and skipped (Content-Length or chunked). An HTTP client's headers, pools and objects would cost the
/// generator more CPU than the fastest server spends on a request, on the same two cores.
/// </summary>
public sealed class RawHttpConnection : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[256 * 1024];
    private int _start;
    private int _end;

    private RawHttpConnection(Socket socket) => _socket = socket;

    public static async Task<RawHttpConnection> ConnectAsync(IPEndPoint server, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, cancellationToken);
            return new RawHttpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A request's bytes: <paramref name="body"/> is sent as JSON when given.</summary>
    public static byte[] Request(string method, string target, string? token, string? body = null)
    {
        var text = new StringBuilder(512)
            .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nHost: bench\r\n");
        if (token is not null)
        {
            text.Append("Authorization: Bearer ").Append(token).Append("\r\n");
        }

        if (body is not null)
        {
            text.Append("Content-Type: application/json\r\nContent-Length: ")
                .Append(Encoding.UTF8.GetByteCount(body)).Append("\r\n\r\n").Append(body);
        }
        else
        {
            text.Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public async Task<RawResponse> SendAsync(ReadOnlyMemory<byte> request, bool readLocation, CancellationToken cancellationToken)
    {
        await _socket.SendAsync(request, SocketFlags.None, cancellationToken);
        int headerLength;
        while ((headerLength = _buffer.AsSpan(_start, _end - _start).IndexOf(HeaderEnd)) < 0)
        {
            await FillAsync(cancellationToken);
        }

        var (status, contentLength, chunked, location) = ParseHead(_buffer.AsSpan(_start, headerLength), readLocation);
        _start += headerLength + HeaderEnd.Length;
        if (chunked)
        {
            await SkipChunkedAsync(cancellationToken);
        }
        else
        {
            await SkipAsync(contentLength, cancellationToken);
        }

        return new RawResponse(status, location);
    }

    public void Dispose() => _socket.Dispose();

    private static (int Status, long ContentLength, bool Chunked, string? Location) ParseHead(ReadOnlySpan<byte> head, bool readLocation)
    {
        // "HTTP/1.1 200 OK"
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
        {
            throw new InvalidDataException("Not an HTTP/1.1 response.");
        }

        long contentLength = 0;
        var chunked = false;
        string? location = null;
        var lines = head[(head.IndexOf("\r\n"u8) + 2)..];
        while (lines.Length > 0)
        {
            var end = lines.IndexOf("\r\n"u8);
            var line = end < 0 ? lines : lines[..end];
            lines = end < 0 ? default : lines[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out contentLength, out _))
                {
                    throw new InvalidDataException("Bad Content-Length.");
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = value.IndexOf("chunked"u8) >= 0;
            }
            else if (readLocation && Ascii.EqualsIgnoreCase(name, "Location"u8))
            {
                location = Encoding.ASCII.GetString(value[(value.LastIndexOf((byte)'/') + 1)..]);
            }
        }

        return (status, contentLength, chunked, location);
    }

    private async Task SkipChunkedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int lineLength;
            while ((lineLength = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                await FillAsync(cancellationToken);
            }

            var sizeText = _buffer.AsSpan(_start, lineLength);
            var extension = sizeText.IndexOf((byte)';');
            if (!Utf8Parser.TryParse(extension < 0 ? sizeText : sizeText[..extension], out long size, out _, 'X'))
            {
                throw new InvalidDataException("Bad chunk size.");
            }

            _start += lineLength + 2;
            // The chunk and its CRLF; the last chunk (size 0) is followed by an empty trailer line.
            await SkipAsync(size + 2, cancellationToken);
            if (size == 0)
            {
                return;
            }
        }
    }

    private async Task SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            var step = (int)Math.Min(count, _end - _start);
            _start += step;
            count -= step;
        }
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start == 0)
            {
                throw new InvalidDataException("A response head larger than the buffer.");
            }

            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            throw new IOException("The server closed the connection.");
        }

        _end += read;
    }
}
