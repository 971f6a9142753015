using System.Buffers;
using System.Text.Json.Serialization;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Wire.Messages;

/// <summary>
/// Payload of <see cref="FrameType.CacheInvalidate"/> (UTF-8 JSON <c>{"paths":["/zones/1", …]}</c>): representations
/// under these paths changed on the device (through its LAN API, a button, a schedule). <c>*</c> means everything.
/// </summary>
public sealed record CacheInvalidateMessage
{
    /// <summary>Most paths in one frame.</summary>
    public const int MaxPaths = 256;

    /// <summary>Longest path.</summary>
    public const int MaxPathLength = 2048;

    /// <summary>The changed paths (origin-form, query ignored), or <c>*</c>.</summary>
    [JsonPropertyName("paths")]
    public required string[] Paths { get; init; }

    /// <summary>Encodes the frame, refusing paths the edge would refuse.</summary>
    /// <exception cref="ArgumentException">A path is not valid.</exception>
    public OutboundFrame ToFrame()
    {
        if (Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(Paths));
        }

        return HandshakeJson.ToFrame(FrameType.CacheInvalidate, this, WireJsonContext.Default.CacheInvalidateMessage);
    }

    /// <summary>Decodes and validates a payload.</summary>
    /// <exception cref="ProtocolException">The payload is not valid.</exception>
    public static CacheInvalidateMessage Parse(in ReadOnlySequence<byte> payload)
    {
        var message = HandshakeJson.Parse(payload, WireJsonContext.Default.CacheInvalidateMessage);
        if (message.Validate() is { } problem)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, problem);
        }

        return message;
    }

    /// <summary>Why a path list is invalid, or null when it is valid.</summary>
    public string? Validate()
    {
        if (Paths is null || Paths.Length is 0 or > MaxPaths)
        {
            return $"A cache invalidation names 1 to {MaxPaths} paths.";
        }

        foreach (var path in Paths)
        {
            if (path != "*" && (path is null || path.Length > MaxPathLength || !HttpSyntax.IsTarget(path)))
            {
                return $"'{path}' is not a path (origin-form, at most {MaxPathLength} characters) or '*'.";
            }
        }

        return null;
    }
}
