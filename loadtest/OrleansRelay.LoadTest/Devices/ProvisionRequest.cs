using System.Text.Json.Serialization;

namespace OrleansRelay.LoadTest.Devices;

/// <summary>Body of <c>POST /v1/admin/devices</c>.</summary>
internal sealed record ProvisionRequest([property: JsonPropertyName("deviceId")] string DeviceId, [property: JsonPropertyName("name")] string Name);
