using Bogus;

namespace OrleansRelay.Demo;

/// <summary>The demo device's state: zones, programs and a log, generated with Bogus from a fixed seed.</summary>
public sealed class IrrigationController
{
    private static readonly string[] Plants = ["Lawn", "Roses", "Tomatoes", "Hedge", "Herbs", "Strawberries", "Lavender", "Hydrangeas"];
    private static readonly string[] WeekDays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    private readonly Lock _lock = new();
    private readonly List<Zone> _zones;
    private readonly List<WateringProgram> _programs;
    private readonly List<LogEntry> _log = [];
    private readonly TimeProvider _time;

    /// <summary>Creates the controller with generated data.</summary>
    public IrrigationController(TimeProvider time, int seed = 4711)
    {
        _time = time;
        Randomizer.Seed = new Random(seed);
        var zoneId = 0;
        _zones = new Faker<Zone>()
            .CustomInstantiator(f => new Zone(
                ++zoneId,
                $"{f.Address.StreetSuffix()} {f.PickRandom("bed", "lawn", "border", "patch")}",
                f.PickRandom(Plants),
                Math.Round(f.Random.Double(2, 80), 1),
                f.Random.Int(10, 90),
                false))
            .Generate(6);
        var programId = 0;
        _programs = new Faker<WateringProgram>()
            .CustomInstantiator(f => new WateringProgram(
                ++programId,
                f.PickRandom("Morning", "Evening", "Weekend soak", "Quick mist"),
                $"{f.Random.Int(5, 21):00}:{f.PickRandom(0, 15, 30, 45):00}",
                [.. f.PickRandom(WeekDays, f.Random.Int(1, 4)).Order()],
                [.. f.PickRandom(_zones, f.Random.Int(1, 3)).Select(z => z.Id).Order()],
                f.Random.Int(5, 40)))
            .Generate(3);
        Append("Controller started");
    }

    /// <summary>Device info served at <c>GET /device</c>.</summary>
    public static object Info => new
    {
        name = "Demo irrigation controller",
        manufacturer = "OrleansRelay demo",
        version = "1.0.0",
        revision = "A",
        api = "/",
        apiAuthPath = (string?)null,
        apiFactoryConnect = (string?)null,
        email = "owner@example.com",
        zones = 6,
    };

    public IReadOnlyList<Zone> Zones
    {
        get
        {
            lock (_lock)
            {
                return [.. _zones];
            }
        }
    }

    public IReadOnlyList<WateringProgram> Programs
    {
        get
        {
            lock (_lock)
            {
                return [.. _programs];
            }
        }
    }

    public IReadOnlyList<LogEntry> Log(int limit)
    {
        lock (_lock)
        {
            return [.. _log.TakeLast(Math.Clamp(limit, 1, 1000)).Reverse()];
        }
    }

    public Zone? Zone(int id)
    {
        lock (_lock)
        {
            return _zones.Find(z => z.Id == id);
        }
    }

    public Zone? Patch(int id, ZonePatch patch)
    {
        lock (_lock)
        {
            var index = _zones.FindIndex(z => z.Id == id);
            if (index < 0)
            {
                return null;
            }

            var zone = _zones[index] with { Name = patch.Name ?? _zones[index].Name, Plant = patch.Plant ?? _zones[index].Plant };
            _zones[index] = zone;
            Append($"Zone {id} renamed to '{zone.Name}'");
            return zone;
        }
    }

    public Zone? Water(int id, int minutes)
    {
        lock (_lock)
        {
            var index = _zones.FindIndex(z => z.Id == id);
            if (index < 0)
            {
                return null;
            }

            var zone = _zones[index] with { Watering = minutes > 0, MoisturePercent = Math.Min(100, _zones[index].MoisturePercent + minutes) };
            _zones[index] = zone;
            Append(minutes > 0 ? $"Zone {id} watering for {minutes} min" : $"Zone {id} stopped");
            return zone;
        }
    }

    /// <summary>Raised with each log message: the demo daemon sends it as a notification.</summary>
    public event Action<string>? Changed;

    private void Append(string message)
    {
        _log.Add(new LogEntry(_time.GetUtcNow(), message));
        Changed?.Invoke(message);
    }
}
