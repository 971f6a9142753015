using System.Text.Json;
using Bogus;

namespace OrleansRelay.LoadTest.Devices;

/// <summary>Generates believable, reproducible device profiles (owner, e-mail, zones, readings) with Bogus.</summary>
internal sealed class DeviceProfileFactory
{
    private readonly Faker _faker;

    public DeviceProfileFactory(int seed)
    {
        _faker = new Faker { Random = new Randomizer(seed) };
    }

    public DeviceProfile Create(string deviceId, int index)
    {
        var kind = (DeviceKind)(index % 4);
        var owner = _faker.Name.FullName();
        var zones = Enumerable.Range(1, _faker.Random.Int(1, 4)).Select(i => $"{_faker.Commerce.Department()} {i}").ToArray();
        var name = $"{_faker.Address.StreetName()} {KindLabel(kind)}";
        using var buffer = new MemoryStream(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("deviceId", deviceId);
            json.WriteString("kind", KindLabel(kind));
            json.WriteString("name", name);
            json.WriteString("owner", owner);
            json.WriteString("email", _faker.Internet.Email(owner.Split(' ')[0]));
            json.WriteStartArray("zones");
            foreach (var zone in zones)
            {
                json.WriteStringValue(zone);
            }

            json.WriteEndArray();
            json.WriteStartObject("readings");
            WriteReadings(json, kind);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return new DeviceProfile(deviceId, kind, name, buffer.ToArray());
    }

    private void WriteReadings(Utf8JsonWriter json, DeviceKind kind)
    {
        switch (kind)
        {
            case DeviceKind.Thermostat:
                json.WriteNumber("temperatureC", Math.Round(_faker.Random.Double(16, 26), 1));
                json.WriteNumber("setpointC", _faker.Random.Int(18, 23));
                json.WriteNumber("humidityPercent", _faker.Random.Int(30, 60));
                break;
            case DeviceKind.IrrigationController:
                json.WriteNumber("soilMoisturePercent", _faker.Random.Int(10, 60));
                json.WriteNumber("flowLitresPerMinute", Math.Round(_faker.Random.Double(0, 12), 2));
                json.WriteBoolean("valveOpen", _faker.Random.Bool());
                break;
            case DeviceKind.Light:
                json.WriteBoolean("on", _faker.Random.Bool());
                json.WriteNumber("brightnessPercent", _faker.Random.Int(0, 100));
                json.WriteNumber("colorTemperatureK", _faker.Random.Int(2200, 6500));
                break;
            default:
                json.WriteBoolean("recording", _faker.Random.Bool());
                json.WriteNumber("motionEventsToday", _faker.Random.Int(0, 40));
                json.WriteString("resolution", _faker.PickRandom("1280x720", "1920x1080", "2560x1440"));
                break;
        }
    }

    private static string KindLabel(DeviceKind kind) => kind switch
    {
        DeviceKind.Thermostat => "thermostat",
        DeviceKind.IrrigationController => "irrigation-controller",
        DeviceKind.Light => "light",
        _ => "camera",
    };
}
