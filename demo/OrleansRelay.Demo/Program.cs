using OrleansRelay.Demo;

const string ServicePortArgument = "--Demo:ServicePort=";
var deviceServicePort = args.FirstOrDefault(a => a.StartsWith(ServicePortArgument, StringComparison.Ordinal)) is { } portArgument
    ? int.Parse(portArgument[ServicePortArgument.Length..], System.Globalization.CultureInfo.InvariantCulture)
    : int.TryParse(Environment.GetEnvironmentVariable("Demo__ServicePort"), out var environmentPort) ? environmentPort : 5090;
if (args.FirstOrDefault() == "device-service")
{
    // Only the demo device's REST service (scripts/cluster-local.sh runs real daemons in front of it). It listens on
    // 127.0.0.1 unless Demo:ServiceAddress (Demo__ServiceAddress in a container) says otherwise.
    var address = System.Net.IPAddress.Parse(Environment.GetEnvironmentVariable("Demo__ServiceAddress") ?? "127.0.0.1");
    var service = DemoDeviceService.Build(address, deviceServicePort);
    Console.WriteLine($"Demo device service on http://{address}:{deviceServicePort}");
    await service.RunAsync();
    return 0;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

DemoRelay relay;
try
{
    relay = await DemoRelay.StartAsync([.. args.Where(a => !a.StartsWith(ServicePortArgument, StringComparison.Ordinal))], deviceServicePort, stop.Token);
}
catch (Exception ex) when (ex is IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException }
    or System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
{
    Console.Error.WriteLine($"""
        {ex.Message}
        Another process uses one of the demo's ports. Stop it, or choose other ports, e.g.:
          dotnet run --project demo/OrleansRelay.Demo -- --Edge:HttpPort=6080 --Edge:DevicePort=6070 --Edge:DataPlanePort=6072 --Edge:DataPlaneUpgradePort=6073 --Demo:ServicePort=6090 --Cluster:SiloPort=12111 --Cluster:GatewayPort=31000 --Demo:LanPort=6780 --Demo:DiscoveryPort=0
        """);
    return 1;
}

await using var _ = relay;
Console.WriteLine(DemoBanner.For(relay));

// The edge's host lifetime turns SIGINT and SIGTERM into a graceful stop of everything started above.
await relay.Edge.WaitForShutdownAsync(stop.Token);

return 0;
