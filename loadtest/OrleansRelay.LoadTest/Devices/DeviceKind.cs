namespace OrleansRelay.LoadTest.Devices;

/// <summary>The kinds of device the fleet is made of; each answers with its own kind of readings.</summary>
internal enum DeviceKind
{
    Thermostat,
    IrrigationController,
    Light,
    Camera,
}
