using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace OrleansRelay.Device;

/// <summary>The daemon's command line.</summary>
public static class DeviceCommand
{
    /// <summary>Environment variable that may hold the secret instead of the command line (which other users can read in <c>ps</c>).</summary>
    public const string SecretEnvironmentVariable = "ORLEANSRELAY_DEVICE_SECRET";

    /// <summary>Builds the root command.</summary>
    public static RootCommand Create()
    {
        var server = new Option<string[]>("--server", "-s")
        {
            Description = "Edge device endpoint host:port; repeat for several (shuffled, tried in turn).",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var deviceId = new Option<string>("--device-id", "-d") { Description = "The provisioned device id.", Required = true };
        var secret = new Option<string?>("--secret") { Description = $"The device secret (prefer --secret-file or {SecretEnvironmentVariable})." };
        var secretFile = new Option<FileInfo?>("--secret-file") { Description = "File holding the device secret." };
        var local = new Option<Uri>("--local", "-l")
        {
            Description = "Base URL of the device's REST service.",
            DefaultValueFactory = _ => new Uri("http://127.0.0.1:8080"),
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    return uri;
                }

                result.AddError($"--local '{text}' is not an absolute http(s) URL.");
                return null;
            },
        };
        var concurrency = new Option<int>("--max-concurrency") { Description = "Most requests sent to the local service at once.", DefaultValueFactory = _ => 16 };
        var timeout = new Option<double>("--request-timeout") { Description = "Seconds a local request may take before 504.", DefaultValueFactory = _ => 30 };
        var controlPort = new Option<int>("--control-port")
        {
            Description = "Serve the local control endpoint (POST /cache/invalidate) on 127.0.0.1:PORT; 0 turns it off.",
            DefaultValueFactory = _ => 0,
        };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Minimum log level.", DefaultValueFactory = _ => LogLevel.Information };

        var root = new RootCommand("OrleansRelay device daemon: makes this device's local REST API reachable through an OrleansRelay edge.")
        {
            server, deviceId, secret, secretFile, local, concurrency, timeout, controlPort, logLevel,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var resolvedSecret = ResolveSecret(parse.GetValue(secret), parse.GetValue(secretFile));
            if (resolvedSecret is null)
            {
                await Console.Error.WriteLineAsync($"No secret: give --secret-file, --secret or {SecretEnvironmentVariable}.");
                return 2;
            }

            ServerAddress[] servers;
            try
            {
                servers = [.. parse.GetValue(server)!.Select(ServerAddress.Parse)];
            }
            catch (FormatException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            var options = new DeviceOptions
            {
                Servers = servers,
                DeviceId = parse.GetValue(deviceId)!,
                Secret = resolvedSecret,
                LocalService = parse.GetValue(local)!,
                MaxConcurrency = Math.Max(1, parse.GetValue(concurrency)),
                RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
            };
            using var loggers = LoggerFactory.Create(b => b
                .SetMinimumLevel(parse.GetValue(logLevel))
                .AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss.fff ";
                    o.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled;
                }));
            using var daemon = new DeviceDaemon(options, loggers);
            await using var control = parse.GetValue(controlPort) is > 0 and var port ? LocalControlServer.Start(port, daemon, loggers) : null;
            await daemon.RunAsync(cancellationToken);
            return 0;
        });
        return root;
    }

    private static string? ResolveSecret(string? secret, FileInfo? file)
    {
        if (file is not null)
        {
            return File.ReadAllText(file.FullName).Trim();
        }

        if (!string.IsNullOrWhiteSpace(secret))
        {
            return secret.Trim();
        }

        var environment = Environment.GetEnvironmentVariable(SecretEnvironmentVariable);
        return string.IsNullOrWhiteSpace(environment) ? null : environment.Trim();
    }
}
