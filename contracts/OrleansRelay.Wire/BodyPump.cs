namespace OrleansRelay.Wire;

/// <summary>Sends a body as <see cref="FrameType.Data"/> chunks, within the stream's send window, one chunk in the queue at a time.</summary>
public static class BodyPump
{
    /// <summary>
    /// Reads <paramref name="source"/> to its end and sends it on stream <paramref name="streamId"/>, ending with an
    /// empty <see cref="StreamFlags.EndStream"/> frame. Returns the number of body bytes sent.
    /// </summary>
    /// <exception cref="BodyTooLargeException">The source held more than <paramref name="maxBytes"/> bytes.</exception>
    public static async Task<long> PumpAsync(
        Stream source,
        uint streamId,
        FrameSender sender,
        SendWindow window,
        int chunkSize,
        long maxBytes,
        CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            var credit = await window.WaitForCreditAsync(cancellationToken);
            var frame = OutboundFrame.RentData(FrameType.Data, Math.Min(chunkSize, credit));
            int read;
            try
            {
                read = await source.ReadAsync(frame.ContentMemory, cancellationToken);
            }
            catch
            {
                frame.Release(null);
                throw;
            }

            if (read == 0)
            {
                frame.CompleteData(streamId, StreamFlags.EndStream, 0);
                await sender.SendAndWaitAsync(frame);
                return total;
            }

            total += read;
            if (total > maxBytes)
            {
                frame.Release(null);
                throw new BodyTooLargeException(maxBytes);
            }

            window.Consume(read);
            frame.CompleteData(streamId, StreamFlags.None, read);
            await sender.SendAndWaitAsync(frame);
        }
    }
}
