using System.Text.Json.Serialization;

namespace OrleansRelay.Edge.Http;

/// <summary>One event of the all-devices stream: <c>{"deviceId":…,"id":…,"data":…}</c>.</summary>
internal sealed record DeviceStreamEvent(
    [property: JsonPropertyName("deviceId")] string DeviceId,
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("data")] string Data);

[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(DeviceStreamEvent))]
internal sealed partial class EventJsonContext : JsonSerializerContext;
