using System.Buffers;
using System.Buffers.Binary;

namespace OrleansRelay.Wire;

/// <summary>
/// One fully encoded frame in a pooled buffer, queued for a <see cref="FrameSender"/>. The sender returns the buffer
/// to the pool once the frame is written. Body chunks are read straight into the frame's content area
/// (<see cref="RentData"/>), so a chunk is copied once: from its source into the frame.
/// </summary>
public sealed class OutboundFrame
{
    private byte[]? _buffer;
    private TaskCompletionSource? _written;

    private OutboundFrame(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    /// <summary>Bytes of the encoded frame, header included.</summary>
    public int Length { get; private set; }

    /// <summary>The frame type, for logs and tests.</summary>
    public FrameType Type => (FrameType)Buffer[0];

    /// <summary>The encoded bytes.</summary>
    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(OutboundFrame));

    /// <summary>A frame whose payload is <paramref name="payload"/>.</summary>
    public static OutboundFrame Create(FrameType type, ReadOnlySpan<byte> payload)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ProtocolLimits.FrameHeaderSize + payload.Length);
        WriteHeader(buffer, type, payload.Length);
        payload.CopyTo(buffer.AsSpan(ProtocolLimits.FrameHeaderSize));
        return new OutboundFrame(buffer, ProtocolLimits.FrameHeaderSize + payload.Length);
    }

    /// <summary>A stream frame (head or data) with the given content.</summary>
    public static OutboundFrame CreateStream(FrameType type, uint streamId, StreamFlags flags, ReadOnlySpan<byte> content)
    {
        var frame = RentData(type, content.Length);
        content.CopyTo(frame.ContentSpan);
        frame.CompleteData(streamId, flags, content.Length);
        return frame;
    }

    /// <summary>A <see cref="FrameType.Reset"/> or <see cref="FrameType.WindowUpdate"/> frame.</summary>
    public static OutboundFrame CreateStreamControl(FrameType type, uint streamId, uint value)
    {
        Span<byte> payload = stackalloc byte[StreamControl.Size];
        BinaryPrimitives.WriteUInt32BigEndian(payload, streamId);
        BinaryPrimitives.WriteUInt32BigEndian(payload[4..], value);
        return Create(type, payload);
    }

    /// <summary>
    /// Rents a stream frame with room for <paramref name="maxContent"/> content bytes. Fill <see cref="ContentMemory"/>,
    /// then call <see cref="CompleteData"/> with the number of bytes written.
    /// </summary>
    public static OutboundFrame RentData(FrameType type, int maxContent)
    {
        const int Prefix = ProtocolLimits.FrameHeaderSize + ProtocolLimits.StreamPrefixSize;
        var buffer = ArrayPool<byte>.Shared.Rent(Prefix + maxContent);
        buffer[0] = (byte)type;
        return new OutboundFrame(buffer, Prefix + maxContent);
    }

    /// <summary>The content area of a rented stream frame.</summary>
    public Memory<byte> ContentMemory => Buffer.AsMemory(
        ProtocolLimits.FrameHeaderSize + ProtocolLimits.StreamPrefixSize,
        Length - ProtocolLimits.FrameHeaderSize - ProtocolLimits.StreamPrefixSize);

    private Span<byte> ContentSpan => ContentMemory.Span;

    /// <summary>Writes the header and stream prefix of a rented stream frame once its content is in place.</summary>
    public void CompleteData(uint streamId, StreamFlags flags, int contentLength)
    {
        var buffer = Buffer;
        var payloadLength = ProtocolLimits.StreamPrefixSize + contentLength;
        WriteHeader(buffer, (FrameType)buffer[0], payloadLength);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(ProtocolLimits.FrameHeaderSize), streamId);
        buffer[ProtocolLimits.FrameHeaderSize + 4] = (byte)flags;
        Length = ProtocolLimits.FrameHeaderSize + payloadLength;
    }

    /// <summary>Asks the sender to signal when this frame has been handed to the transport.</summary>
    internal Task TrackWritten()
    {
        _written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _written.Task;
    }

    /// <summary>Returns the buffer to the pool and completes the written signal.</summary>
    internal void Release(Exception? failure)
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (failure is null)
        {
            _written?.TrySetResult();
        }
        else
        {
            _written?.TrySetException(failure);
        }
    }

    private static void WriteHeader(Span<byte> destination, FrameType type, int payloadLength)
    {
        destination[0] = (byte)type;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)payloadLength);
    }
}
