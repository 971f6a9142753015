using OrleansRelay.Demo;

var deviceServicePort = 5090;
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

await using var relay = await DemoRelay.StartAsync(args, deviceServicePort, stop.Token);
var api = $"{relay.EdgeUrl}v1/devices/{DemoRelay.DeviceId}/api";
Console.WriteLine($$"""

    OrleansRelay is running (embedded mode: edge + silo in this process, in-memory storage).

      Client API (edge)      {{relay.EdgeUrl}}
      Device port (edge)     {{relay.Edge.Services.GetRequiredService<OrleansRelay.Edge.Hosting.EdgeEndpoints>().DeviceEndPoint}}
      Demo device service    {{relay.DeviceServiceUrl}}  (the daemon forwards relayed requests here)
      Demo device id         {{DemoRelay.DeviceId}}
      Admin key (this run)   {{relay.AdminKey}}

    Try it (through the relay):

      curl -s -H 'X-Admin-Key: {{relay.AdminKey}}' {{api}}/device
      curl -s -H 'X-Admin-Key: {{relay.AdminKey}}' {{api}}/zones
      curl -s -X POST -H 'X-Admin-Key: {{relay.AdminKey}}' -H 'Content-Type: application/json' -d '{"minutes":10}' {{api}}/zones/1/water

    Press Ctrl+C to stop.
    """);

try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}
