using System.Diagnostics;
using System.Text;

namespace OrleansRelay.FunctionalTests.DataPlane;

/// <summary>
/// Reads a streaming response as it arrives and waits for markers in it (an SSE event's data, an MJPEG frame's end),
/// noting the <see cref="Stopwatch"/> timestamp at which the client read each one.
/// </summary>
internal sealed class MarkerReader(Stream stream)
{
    private readonly StringBuilder _text = new();
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _searchFrom;

    /// <summary>Reads until <paramref name="marker"/> arrived; returns when it was read.</summary>
    public async Task<long> WaitForAsync(string marker, TimeSpan timeout, string what)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        while (true)
        {
            var index = _text.ToString().IndexOf(marker, _searchFrom, StringComparison.Ordinal);
            if (index >= 0)
            {
                _searchFrom = index + marker.Length;
                return Stopwatch.GetTimestamp();
            }

            int read;
            try
            {
                read = await stream.ReadAsync(_buffer, limit.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what} ({_text.Length} bytes received so far).");
            }

            if (read == 0)
            {
                throw new EndOfStreamException($"The response ended before {what}.");
            }

            _text.Append(Encoding.Latin1.GetString(_buffer, 0, read));
        }
    }

    /// <summary>Reads on until the response ends: null for a clean end, else the exception the read threw.</summary>
    public async Task<Exception?> ReadToEndAsync(TimeSpan timeout, string what)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            while (await stream.ReadAsync(_buffer, limit.Token) > 0)
            {
            }

            return null;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The response neither ended nor failed within {timeout.TotalSeconds:0} s after {what}.");
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return ex;
        }
    }
}
