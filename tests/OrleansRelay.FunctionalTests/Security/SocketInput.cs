using System.Text;

namespace OrleansRelay.FunctionalTests.Security;

/// <summary>Buffered reads off a socket stream for <see cref="RecordingDeviceService"/>: up to a delimiter, or a count.</summary>
internal sealed class SocketInput(Stream stream, CancellationToken cancellationToken)
{
    private readonly List<byte> _buffer = [];
    private readonly byte[] _chunk = new byte[8192];

    /// <summary>The text before <paramref name="delimiter"/> (consumed with it), or null when the peer closed first.</summary>
    public async Task<string?> ReadUntilAsync(string delimiter)
    {
        var pattern = Encoding.ASCII.GetBytes(delimiter);
        int index;
        while ((index = IndexOf(pattern)) < 0)
        {
            if (!await FillAsync())
            {
                return null;
            }
        }

        var text = Encoding.Latin1.GetString([.. _buffer.GetRange(0, index)]);
        _buffer.RemoveRange(0, index + pattern.Length);
        return text;
    }

    /// <summary>Exactly <paramref name="count"/> bytes.</summary>
    public async Task<byte[]> ReadAsync(int count)
    {
        while (_buffer.Count < count)
        {
            if (!await FillAsync())
            {
                throw new IOException("The peer closed inside a body.");
            }
        }

        var bytes = _buffer.GetRange(0, count).ToArray();
        _buffer.RemoveRange(0, count);
        return bytes;
    }

    private async Task<bool> FillAsync()
    {
        var read = await stream.ReadAsync(_chunk, cancellationToken);
        _buffer.AddRange(_chunk.AsSpan(0, read));
        return read > 0;
    }

    private int IndexOf(byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= _buffer.Count; i++)
        {
            var match = true;
            for (var j = 0; j < pattern.Length && match; j++)
            {
                match = _buffer[i + j] == pattern[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}
