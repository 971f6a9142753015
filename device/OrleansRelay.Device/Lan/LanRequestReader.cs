using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using OrleansRelay.Wire;

namespace OrleansRelay.Device.Lan;

/// <summary>
/// Reads HTTP/1.1 requests off a LAN connection: the head (parsed by the wire's strict <see cref="HttpHeadSerializer"/>),
/// then the body by <c>Content-Length</c> or <c>chunked</c> encoding, buffered up to a limit.
/// </summary>
internal sealed class LanRequestReader
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();
    private static readonly byte[] Continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    private readonly PipeReader _input;
    private readonly Stream _output;
    private readonly LanAccessOptions _options;

    public LanRequestReader(PipeReader input, Stream output, LanAccessOptions options)
    {
        _input = input;
        _output = output;
        _options = options;
    }

    /// <summary>Reads the next request; null when the client closed the connection between requests.</summary>
    /// <exception cref="LanHttpException">The request is malformed or too large.</exception>
    public async Task<LanRequest?> ReadAsync(CancellationToken cancellationToken)
    {
        var headBytes = await ReadUntilAsync(HeadEnd, _options.MaxHeadBytes, 431, "Request head too large.", cancellationToken);
        if (headBytes is null)
        {
            return null;
        }

        HttpRequestHead head;
        try
        {
            head = HttpHeadSerializer.ParseRequest(new ReadOnlySequence<byte>(headBytes));
        }
        catch (ProtocolException ex)
        {
            throw new LanHttpException(400, ex.Message);
        }

        string? Header(string name) => head.Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
        var keepAlive = !string.Equals(Header("Connection"), "close", StringComparison.OrdinalIgnoreCase);
        var chunked = Header("Transfer-Encoding") is { } encoding &&
            (encoding.Equals("chunked", StringComparison.OrdinalIgnoreCase) ? true : throw new LanHttpException(501, $"Transfer-Encoding '{encoding}' is not supported."));
        long? length = null;
        if (Header("Content-Length") is { } lengthText)
        {
            if (chunked || !long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                throw new LanHttpException(400, "Invalid Content-Length.");
            }

            length = parsed;
        }

        if (length > _options.MaxBodyBytes)
        {
            throw new LanHttpException(413, $"Body over {_options.MaxBodyBytes} bytes.");
        }

        if ((chunked || length > 0) && string.Equals(Header("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase))
        {
            await _output.WriteAsync(Continue, cancellationToken);
        }

        byte[]? body = chunked ? await ReadChunkedAsync(cancellationToken) : length > 0 ? await ReadExactlyAsync((int)length.Value, cancellationToken) : null;
        var forwarded = head.Headers
            .Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) &&
                        !h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) &&
                        !h.Key.Equals("Expect", StringComparison.OrdinalIgnoreCase))
            .ToList();
        return new LanRequest(head with { Headers = forwarded }, body, keepAlive);
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var line = await ReadUntilAsync(LineEnd, 1024, 400, "Chunk size line too long.", cancellationToken)
                ?? throw new LanHttpException(400, "Connection closed inside a chunked body.");
            var sizeText = Encoding.ASCII.GetString(line, 0, line.Length - 2).Split(';', 2)[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
            {
                throw new LanHttpException(400, "Invalid chunk size.");
            }

            if (size == 0)
            {
                // Trailers are read and dropped, up to the blank line that ends the body.
                while ((await ReadUntilAsync(LineEnd, _options.MaxHeadBytes, 431, "Trailers too large.", cancellationToken))?.Length > 2)
                {
                }

                return body.ToArray();
            }

            if (body.Length + size > _options.MaxBodyBytes)
            {
                throw new LanHttpException(413, $"Body over {_options.MaxBodyBytes} bytes.");
            }

            body.Write(await ReadExactlyAsync(size, cancellationToken));
            var end = await ReadExactlyAsync(2, cancellationToken);
            if (end[0] != '\r' || end[1] != '\n')
            {
                throw new LanHttpException(400, "Chunk not followed by CRLF.");
            }
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var result = await _input.ReadAtLeastAsync(count, cancellationToken);
        if (result.Buffer.Length < count)
        {
            throw new LanHttpException(400, "Connection closed inside the body.");
        }

        var bytes = result.Buffer.Slice(0, count).ToArray();
        _input.AdvanceTo(result.Buffer.GetPosition(count));
        return bytes;
    }

    /// <summary>Reads up to and including <paramref name="delimiter"/>; null if the stream ends before any byte.</summary>
    private async Task<byte[]?> ReadUntilAsync(byte[] delimiter, int limit, int status, string tooLarge, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> _, delimiter, advancePastDelimiter: true))
            {
                var bytes = buffer.Slice(0, reader.Position).ToArray();
                _input.AdvanceTo(reader.Position);
                return bytes;
            }

            if (buffer.Length > limit)
            {
                throw new LanHttpException(status, tooLarge);
            }

            if (result.IsCompleted)
            {
                _input.AdvanceTo(buffer.End);
                return buffer.IsEmpty ? null : throw new LanHttpException(400, "Connection closed inside a request head.");
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
