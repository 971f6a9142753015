using System.Text.Json.Serialization;

namespace OrleansRelay.Device;

/// <summary>Source-generated JSON metadata for what the daemon writes itself.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class DeviceJsonContext : JsonSerializerContext;
