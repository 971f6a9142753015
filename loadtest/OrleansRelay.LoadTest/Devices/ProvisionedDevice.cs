using System.Text.Json.Serialization;

namespace OrleansRelay.LoadTest.Devices;

/// <summary>The operator API's answer with the device's secret.</summary>
internal sealed record ProvisionedDevice([property: JsonPropertyName("deviceId")] string DeviceId, [property: JsonPropertyName("secret")] string Secret);
