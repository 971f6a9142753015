namespace OrleansRelay.Wire;

/// <summary>Sends a body as <see cref="FrameType.Data"/> chunks, within the stream's send window, one chunk in the queue at a time.</summary>
public static class BodyPump
{
    /// <summary>
    /// Reads <paramref name="source"/> to its end and sends it on stream <paramref name="streamId"/>. The last chunk
    /// carries <see cref="StreamFlags.EndStream"/> when the body's length is declared (<paramref name="declaredLength"/>)
    /// and reached; otherwise an empty end-of-stream frame follows the last chunk. Returns the number of body bytes sent.
    /// </summary>
    /// <exception cref="BodyTooLargeException">The source held more than <paramref name="maxBytes"/> bytes.</exception>
    /// <exception cref="ConnectionClosedException">The connection closed before the body was sent.</exception>
    public static async Task<long> PumpAsync(
        Stream source,
        uint streamId,
        FrameSender sender,
        SendWindow window,
        int chunkSize,
        long maxBytes,
        CancellationToken cancellationToken,
        long? declaredLength = null)
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
                SendLast(sender, frame);
                return total;
            }

            total += read;
            if (total > maxBytes)
            {
                frame.Release(null);
                throw new BodyTooLargeException(maxBytes);
            }

            window.Consume(read);
            if (total == declaredLength)
            {
                // The whole declared body is read: it ends with this chunk, no empty frame (and no wake-up) after it.
                frame.CompleteData(streamId, StreamFlags.EndStream, read);
                SendLast(sender, frame);
                return total;
            }

            frame.CompleteData(streamId, StreamFlags.None, read);
            await sender.SendAndWaitAsync(frame);
        }
    }

    /// <summary>The end of the body is queued, not awaited: nothing follows it on this stream, so there is nothing to pace.</summary>
    private static void SendLast(FrameSender sender, OutboundFrame frame)
    {
        if (!sender.TrySend(frame))
        {
            throw new ConnectionClosedException("The connection closed before the end of the body was sent.");
        }
    }
}
