using System.Buffers;

namespace OrleansRelay.Wire.Handshake;

/// <summary>
/// Payload of <see cref="FrameType.Challenge"/>: 1 byte protocol version, then a 32-byte random nonce that the device
/// proves its secret over.
/// </summary>
public sealed record ChallengeMessage(byte ProtocolVersion, byte[] Nonce)
{
    /// <summary>Payload length.</summary>
    public const int Size = 1 + ProtocolLimits.NonceSize;

    /// <summary>Encodes the payload.</summary>
    public byte[] ToPayload()
    {
        var payload = new byte[Size];
        payload[0] = ProtocolVersion;
        Nonce.CopyTo(payload, 1);
        return payload;
    }

    /// <summary>Decodes the payload.</summary>
    /// <exception cref="ProtocolException">Wrong length.</exception>
    public static ChallengeMessage Parse(in ReadOnlySequence<byte> payload)
    {
        if (payload.Length != Size)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, $"Challenge must be {Size} bytes, got {payload.Length}.");
        }

        var bytes = payload.ToArray();
        return new ChallengeMessage(bytes[0], bytes[1..]);
    }
}
