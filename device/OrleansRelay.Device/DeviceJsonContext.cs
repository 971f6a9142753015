using System.Text.Json.Serialization;

namespace OrleansRelay.Device;

/// <summary>Source-generated JSON metadata for what the daemon writes itself.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(Control.ControlAccepted))]
[JsonSerializable(typeof(Provisioning.DeviceIdentity))]
[JsonSerializable(typeof(Provisioning.FactoryRegistration))]
internal sealed partial class DeviceJsonContext : JsonSerializerContext;
