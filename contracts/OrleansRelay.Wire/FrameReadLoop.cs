using System.Buffers;
using System.IO.Pipelines;

namespace OrleansRelay.Wire;

/// <summary>The read side of a connection: pipe reads, frame decoding and buffer advancing, shared by edge and device.</summary>
public static class FrameReadLoop
{
    /// <summary>Decodes frames until the peer closes the connection cleanly (returns) or breaks framing (throws).</summary>
    /// <exception cref="ProtocolException">A bad frame header, or the connection ended inside a frame.</exception>
    public static async Task RunAsync(PipeReader input, int maxPayload, FrameHandler handler, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            try
            {
                while (FrameReader.TryReadFrame(ref buffer, maxPayload, out var frame))
                {
                    handler(frame);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    ThrowIfTruncated(buffer);
                    return;
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    /// <summary>
    /// Reads exactly one frame (for handshakes) and returns its type and a copy of its payload, or <c>null</c> when the
    /// peer closed the connection first.
    /// </summary>
    public static async Task<(FrameType Type, byte[] Payload)?> ReadOneAsync(PipeReader input, int maxPayload, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var read = false;
            try
            {
                if (FrameReader.TryReadFrame(ref buffer, maxPayload, out var frame))
                {
                    read = true;
                    return (frame.Type, frame.Payload.ToArray());
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    ThrowIfTruncated(buffer);
                    return null;
                }
            }
            finally
            {
                // After a frame, what follows it is not examined yet: the next read must return it at once, even if no
                // more bytes arrive (marking it examined stalled a frame sent right behind, until the next heartbeat).
                if (read)
                {
                    input.AdvanceTo(buffer.Start);
                }
                else
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
    }

    private static void ThrowIfTruncated(in ReadOnlySequence<byte> buffer)
    {
        if (!buffer.IsEmpty)
        {
            throw new ProtocolException(ProtocolErrorCode.TruncatedFrame, $"The connection ended inside a frame ({buffer.Length} bytes left).");
        }
    }
}
