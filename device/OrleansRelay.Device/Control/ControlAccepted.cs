using System.Text.Json.Serialization;

namespace OrleansRelay.Device.Control;

/// <summary>The control endpoint's answer to an accepted invalidation: <c>{"queued":2}</c>.</summary>
internal sealed record ControlAccepted([property: JsonPropertyName("queued")] int Queued);
