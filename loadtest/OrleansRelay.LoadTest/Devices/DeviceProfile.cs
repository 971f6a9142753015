namespace OrleansRelay.LoadTest.Devices;

/// <summary>Who a simulated device is: its identity, its owner and the JSON document it serves as <c>GET /device</c>.</summary>
/// <param name="DeviceId">The relay's device id.</param>
/// <param name="Kind">What kind of device it is.</param>
/// <param name="Name">A human name ("Kitchen thermostat").</param>
/// <param name="Document">UTF-8 JSON: owner, e-mail, zones and current readings; the base of every GET answer.</param>
internal sealed record DeviceProfile(string DeviceId, DeviceKind Kind, string Name, byte[] Document);
