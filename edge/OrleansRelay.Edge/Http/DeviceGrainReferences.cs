using System.Collections.Concurrent;
using OrleansRelay.Contracts.Grains;

namespace OrleansRelay.Edge.Http;

/// <summary>
/// Device grain references by device id, made once per id. <see cref="IGrainFactory.GetGrain{TGrainInterface}(string, string)"/>
/// resolves the grain type with custom-attribute reflection on every call: under relay load that was 6.8 % of the
/// edge's CPU samples, half of it in <c>CustomAttribute.GetCustomAttributes</c>. A reference is immutable and small,
/// so the request path keeps them. Bounded: past <see cref="Capacity"/> ids it starts over.
/// </summary>
internal sealed class DeviceGrainReferences
{
    public const int Capacity = 100_000;

    private readonly IGrainFactory _grains;
    private ConcurrentDictionary<string, IDeviceGrain> _references = new(StringComparer.Ordinal);

    public DeviceGrainReferences(IGrainFactory grains)
    {
        _grains = grains;
    }

    /// <summary>The grain of <paramref name="deviceId"/> (a valid device id: callers check first).</summary>
    public IDeviceGrain Get(string deviceId)
    {
        var references = Volatile.Read(ref _references);
        if (references.TryGetValue(deviceId, out var grain))
        {
            return grain;
        }

        grain = _grains.GetGrain<IDeviceGrain>(deviceId);
        if (references.Count >= Capacity)
        {
            Volatile.Write(ref _references, references = new(StringComparer.Ordinal));
        }

        references.TryAdd(deviceId, grain);
        return grain;
    }
}
