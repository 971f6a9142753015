using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OrleansRelay.Wire.Handshake;

/// <summary>Encodes and decodes the JSON payloads of the handshake and close frames.</summary>
public static class HandshakeJson
{
    /// <summary>Encodes <paramref name="message"/> as a frame.</summary>
    public static OutboundFrame ToFrame<T>(FrameType type, T message, JsonTypeInfo<T> typeInfo) =>
        OutboundFrame.Create(type, JsonSerializer.SerializeToUtf8Bytes(message, typeInfo));

    /// <summary>Decodes a JSON payload.</summary>
    /// <exception cref="ProtocolException">The payload is not the expected JSON.</exception>
    public static T Parse<T>(in ReadOnlySequence<byte> payload, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            return JsonSerializer.Deserialize(ref reader, typeInfo)
                ?? throw new ProtocolException(ProtocolErrorCode.MalformedPayload, $"{typeof(T).Name} payload is JSON null.");
        }
        catch (JsonException ex)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, $"{typeof(T).Name} payload is not valid: {ex.Message}");
        }
    }
}
