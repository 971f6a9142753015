using System.CommandLine;
using OrleansRelay.Device.Provisioning;

namespace OrleansRelay.Device.Cli;

/// <summary>
/// <c>orleansrelay-device provision</c>, run by the factory station: registers the device with the relay's factory
/// endpoint and writes its identity file (0600). The daemon then runs with <c>--identity-file</c>.
/// </summary>
internal static class ProvisionCommand
{
    public const string FactoryKeyEnvironmentVariable = "ORLEANSRELAY_FACTORY_KEY";

    public static Command Create()
    {
        var url = new Option<Uri>("--relay") { Description = "The relay edge's HTTP base URL.", Required = true, CustomParser = CliParsers.HttpUrl };
        var key = new Option<string?>("--factory-key") { Description = $"Factory key (prefer {FactoryKeyEnvironmentVariable})." };
        var deviceId = new Option<string?>("--device-id", "-d") { Description = "Device id to register." };
        var deviceIdFile = new Option<FileInfo?>("--device-id-file") { Description = "Read the device id from this file (e.g. a flash chip's id under /sys)." };
        var name = new Option<string?>("--name") { Description = "Display name." };
        var identity = new Option<FileInfo>("--identity-file") { Description = "Where to write the identity (created with mode 0600).", Required = true };
        var command = new Command("provision", "Factory provisioning: register this device with the relay and write its identity file.")
        {
            url, key, deviceId, deviceIdFile, name, identity,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var factoryKey = parse.GetValue(key) ?? Environment.GetEnvironmentVariable(FactoryKeyEnvironmentVariable);
            if (string.IsNullOrWhiteSpace(factoryKey))
            {
                await Console.Error.WriteLineAsync($"No factory key: give --factory-key or {FactoryKeyEnvironmentVariable}.");
                return 2;
            }

            string id;
            try
            {
                id = DeviceIdSources.Resolve(parse.GetValue(deviceId), parse.GetValue(deviceIdFile));
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            using var http = new HttpClient();
            try
            {
                var registered = await FactoryClient.RegisterAsync(http, parse.GetValue(url)!, factoryKey, id, parse.GetValue(name), cancellationToken);
                var path = parse.GetValue(identity)!.FullName;
                await registered.SaveAsync(path, cancellationToken);
                Console.WriteLine($"Device {id} registered; identity written to {path} (mode 0600).");
                return 0;
            }
            catch (FactoryProvisioningException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 1;
            }
        });
        return command;
    }
}
