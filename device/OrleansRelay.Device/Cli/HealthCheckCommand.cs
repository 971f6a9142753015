using System.CommandLine;
using OrleansRelay.Device.Control;

namespace OrleansRelay.Device.Cli;

/// <summary>
/// <c>orleansrelay-device healthcheck</c>: the container image's health check. Asks the daemon's control endpoint
/// (<c>--control-port</c>, or <c>ORLEANSRELAY_CONTROL_PORT</c>) for <c>/healthz</c>; exits 0 when it answers 200.
/// </summary>
internal static class HealthCheckCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--control-port")
        {
            Description = "The daemon's control port.",
            DefaultValueFactory = _ => int.TryParse(Environment.GetEnvironmentVariable(EnvironmentArguments.Prefix + "CONTROL_PORT"), out var p) ? p : 0,
        };
        var command = new Command("healthcheck", "Exit 0 if the daemon on this host answers GET /healthz on its control port.") { port };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(port) is not (> 0 and var controlPort))
            {
                await Console.Error.WriteLineAsync("No control port: give --control-port or ORLEANSRELAY_CONTROL_PORT.");
                return 2;
            }

            var url = new Uri($"http://127.0.0.1:{controlPort}{LocalControlServer.HealthPath}");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                await Console.Error.WriteLineAsync($"{url}: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
