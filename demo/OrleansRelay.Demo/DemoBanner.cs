using System.Net;
using OrleansRelay.Edge.Hosting;

namespace OrleansRelay.Demo;

/// <summary>What the demo prints once everything runs: where things are, the key, and commands to paste.</summary>
public static class DemoBanner
{
    /// <summary>The banner text for <paramref name="relay"/>.</summary>
    public static string For(DemoRelay relay)
    {
        var api = $"{relay.EdgeUrl}v1/devices/{DemoRelay.DeviceId}/api";
        var key = relay.AdminKey;
        var lan = relay.Lan;
        var lanLines = lan.LanUrl is { } lanUrl
            ? $"""

              LAN mode (the device's API without the relay, as on the device's own network; discovery finds it):

                curl -s {lanUrl}zones
                {DiscoverLine(lan)}

              """
            : string.Empty;
        return $$"""

            OrleansRelay is running (embedded mode: edge + silo in this process, in-memory storage).

              Client API (edge)      {{relay.EdgeUrl}}
              Device port (edge)     {{relay.Edge.Services.GetRequiredService<EdgeEndpoints>().DeviceEndPoint}}
              Demo device service    {{relay.DeviceServiceUrl}}  (the daemon forwards relayed requests here)
              Demo device id         {{DemoRelay.DeviceId}}
              Demo device on the LAN {{(lan.LanUrl is { } url ? $"{url}  (the daemon's LAN port; discovery on UDP {lan.Discovery?.LocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off"})" : "off (--Demo:LanPort=0)")}}
              Admin key (this run)   {{key}}
              Dashboard              {{relay.EdgeUrl}}?device={{DemoRelay.DeviceId}}  (sign in under "Operators" with the key)

            Try it (through the relay):

              curl -s -H 'X-Admin-Key: {{key}}' {{api}}/device
              curl -s -H 'X-Admin-Key: {{key}}' {{api}}/zones
              curl -s -X POST -H 'X-Admin-Key: {{key}}' -H 'Content-Type: application/json' -d '{"minutes":10}' {{api}}/zones/1/water

            Live notifications and presence (Server-Sent Events; water a zone in another terminal):

              curl -N -H 'X-Admin-Key: {{key}}' {{relay.EdgeUrl}}v1/devices/{{DemoRelay.DeviceId}}/events
            {{lanLines}}
            Press Ctrl+C to stop.
            """;
    }

    /// <summary>The <c>orleansrelay-device discover</c> command that finds the demo device.</summary>
    private static string DiscoverLine(DemoLan lan)
    {
        if (lan.Discovery is not { } discovery)
        {
            return "(discovery is off: --Demo:DiscoveryPort=0)";
        }

        var bound = discovery.LocalEndPoint.Address;
        var target = bound.Equals(IPAddress.Any) ? string.Empty : $" --target {bound}";
        var port = discovery.LocalEndPoint.Port == Device.Discovery.DiscoveryMessages.ProbePort
            ? string.Empty
            : $" --port {discovery.LocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        return $"dotnet run --project device/OrleansRelay.Device -- discover{target}{port}   # orleansrelay-device discover";
    }
}
