using System.Text.Json.Serialization;

namespace OrleansRelay.Wire.Handshake;

/// <summary>Source-generated JSON metadata for the JSON payloads (handshake, close, cache invalidation) (no reflection; trimming-safe on small devices).</summary>
[JsonSerializable(typeof(HelloMessage))]
[JsonSerializable(typeof(AcceptMessage))]
[JsonSerializable(typeof(CloseMessage))]
[JsonSerializable(typeof(Messages.CacheInvalidateMessage))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
public sealed partial class WireJsonContext : JsonSerializerContext;
