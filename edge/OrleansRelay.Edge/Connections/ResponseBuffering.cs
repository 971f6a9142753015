using System.Buffers;

namespace OrleansRelay.Edge.Connections;

/// <summary>
/// Whether and how a device's response body is read into memory for the cache. Only bodies that can be stored are
/// buffered, and only while that costs the client nothing it would notice: an event stream or multipart stream never
/// is, and a body of unknown length that has not ended after <see cref="UnknownLengthWait"/> is streamed from there on.
/// </summary>
internal static class ResponseBuffering
{
    /// <summary>How long a body without Content-Length may take to end before it is streamed instead of buffered.</summary>
    public static readonly TimeSpan UnknownLengthWait = TimeSpan.FromMilliseconds(250);

    public static bool Worthwhile(KeyValuePair<string, string>[] headers, long limit)
    {
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
                && (value.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) || value.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }

            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && (!long.TryParse(value, out var length) || length > limit))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads the body up to <paramref name="limit"/> bytes. Complete: the whole body; otherwise the prefix read so far (the rest streams).</summary>
    public static async Task<(byte[] Body, bool Complete)> ReadAsync(Stream body, KeyValuePair<string, string>[] headers, long limit, TimeProvider time, CancellationToken aborted)
    {
        var knownLength = headers.Any(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase));
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using var wait = new CancellationTokenSource(UnknownLengthWait, time);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(aborted, wait.Token);
        try
        {
            while (buffer.WrittenCount <= limit)
            {
                var memory = buffer.GetMemory(16 * 1024);
                var read = await body.ReadAsync(memory, knownLength ? aborted : patience.Token);
                if (read == 0)
                {
                    return (buffer.WrittenSpan.ToArray(), true);
                }

                buffer.Advance(read);
            }
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            // Still streaming after the wait: hand over what arrived and stream the rest.
        }

        return (buffer.WrittenSpan.ToArray(), false);
    }
}
