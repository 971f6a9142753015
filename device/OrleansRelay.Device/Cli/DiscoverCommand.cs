using System.CommandLine;
using System.Net;
using OrleansRelay.Device.Discovery;

namespace OrleansRelay.Device.Cli;

/// <summary><c>orleansrelay-device discover</c>: broadcasts a probe and prints each device's reply line.</summary>
internal static class DiscoverCommand
{
    public static Command Create()
    {
        var target = new Option<string>("--target") { Description = "Where to send the probe (a device's address to ask just it).", DefaultValueFactory = _ => "255.255.255.255" };
        var port = new Option<int>("--port") { Description = "UDP port devices listen on.", DefaultValueFactory = _ => DiscoveryMessages.ProbePort };
        var replyPort = new Option<int>("--reply-port") { Description = "UDP port to receive replies on.", DefaultValueFactory = _ => DiscoveryMessages.ReplyPort };
        var wait = new Option<double>("--wait") { Description = "Seconds to collect replies.", DefaultValueFactory = _ => 2 };
        var command = new Command("discover", "Find OrleansRelay devices on the LAN (UDP probe; prints 'CloudREST || MAC || name || URL' per device).")
        {
            target, port, replyPort, wait,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!IPAddress.TryParse(parse.GetValue(target), out var address))
            {
                await Console.Error.WriteLineAsync($"--target '{parse.GetValue(target)}' is not an IP address.");
                return 2;
            }

            var devices = await DiscoveryClient.ProbeAsync(
                new IPEndPoint(address, parse.GetValue(port)), parse.GetValue(replyPort), TimeSpan.FromSeconds(parse.GetValue(wait)), cancellationToken);
            foreach (var device in devices)
            {
                Console.WriteLine(device);
            }

            await Console.Error.WriteLineAsync($"{devices.Count} device(s) answered.");
            return 0;
        });
        return command;
    }
}
