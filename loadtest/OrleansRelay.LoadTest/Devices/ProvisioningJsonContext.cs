using System.Text.Json.Serialization;

namespace OrleansRelay.LoadTest.Devices;

[JsonSerializable(typeof(ProvisionRequest))]
[JsonSerializable(typeof(ProvisionedDevice))]
internal sealed partial class ProvisioningJsonContext : JsonSerializerContext;
