using System.Text.Json.Serialization;

namespace OrleansRelay.Edge.Http;

/// <summary>Body of every error response.</summary>
internal sealed record ErrorBody(
    [property: JsonPropertyName("error")] int Error,
    [property: JsonPropertyName("message")] string Message);

[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class ErrorBodyJsonContext : JsonSerializerContext;
