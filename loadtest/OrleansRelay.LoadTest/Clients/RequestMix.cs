using System.Text;
using OrleansRelay.LoadTest.Devices;

namespace OrleansRelay.LoadTest.Clients;

/// <summary>Picks the next relayed request: a device among the targets, an edge, and GET (cached or live) or POST.</summary>
internal sealed class RequestMix
{
    private readonly string[] _devices;
    private readonly int _edges;
    private readonly RequestMixOptions _options;
    private readonly byte[] _command;

    public RequestMix(IReadOnlyList<string> devices, int edges, RequestMixOptions options)
    {
        _devices = options.TargetDevices > 0 ? [.. devices.Take(options.TargetDevices)] : [.. devices];
        if (_devices.Length == 0)
        {
            throw new InvalidOperationException("No device is online to send requests to.");
        }

        _edges = edges;
        _options = options;
        var padding = Math.Max(0, options.PostBytes - 40);
        _command = Encoding.ASCII.GetBytes($"{{\"command\":\"set\",\"value\":21,\"note\":\"{new string('x', padding)}\"}}");
    }

    public int DeviceCount => _devices.Length;

    public RelayCall Next(Random random)
    {
        var device = _devices[random.Next(_devices.Length)];
        var edge = random.Next(_edges);
        if (random.NextDouble() >= _options.GetRatio)
        {
            return new RelayCall(edge, device, HttpMethod.Post, DeviceResource.Command(random.Next(1, 4)), false, _command);
        }

        return random.NextDouble() < _options.CachedRatio
            ? new RelayCall(edge, device, HttpMethod.Get, DeviceResource.Status, false, null)
            : new RelayCall(edge, device, HttpMethod.Get, DeviceResource.Readings, true, null);
    }
}
