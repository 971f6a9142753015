using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OrleansRelay.Device.Discovery;
using OrleansRelay.Device.Notifications;
using OrleansRelay.Wire.Messages;
using OrleansRelay.Device.Lan;
using OrleansRelay.Device.Provisioning;
using OrleansRelay.Device.Tls;
using OrleansRelay.Wire;

namespace OrleansRelay.Device.Cli;

/// <summary>The daemon's command line: run the daemon (default), <c>discover</c>, <c>provision</c>.</summary>
public static class DeviceCommand
{
    /// <summary>Environment variable that may hold the secret instead of the command line (which other users can read in <c>ps</c>).</summary>
    public const string SecretEnvironmentVariable = "ORLEANSRELAY_DEVICE_SECRET";

    /// <summary>Smallest <c>--outbox-max-bytes</c>: room for two of the longest notifications.</summary>
    private const long MinOutboxBytes = 2 * (NotificationMessage.MaxTextBytes + 64);

    /// <summary>Parses <paramref name="args"/>, with the daemon's options not given there taken from the environment.</summary>
    public static ParseResult Parse(string[] args)
    {
        var root = Create();
        var daemonOptions = root.Options.Where(o => o is not (System.CommandLine.Help.HelpOption or VersionOption));
        return root.Parse(EnvironmentArguments.Add(args, daemonOptions, Environment.GetEnvironmentVariable));
    }

    /// <summary>Builds the root command.</summary>
    public static RootCommand Create()
    {
        var o = new DaemonCommandOptions();
        var root = new RootCommand("OrleansRelay device daemon: makes this device's local REST API reachable through an OrleansRelay edge, and on the LAN.");
        foreach (var option in o.All)
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(DiscoverCommand.Create());
        root.Subcommands.Add(ProvisionCommand.Create());
        root.Subcommands.Add(HealthCheckCommand.Create());
        root.SetAction(async (parse, cancellationToken) =>
        {
            DeviceOptions options;
            LanAccessOptions? lan;
            try
            {
                options = BuildOptions(parse, o);
                lan = parse.GetValue(o.LanPort) is > 0 and var lanPort
                    ? new LanAccessOptions
                    {
                        BindAddress = IPAddress.Parse(parse.GetValue(o.LanBind)!),
                        Port = lanPort,
                        Certificate = parse.GetValue(o.LanCertificate) is { } cert ? DeviceCertificates.LoadWithKey(cert.FullName, parse.GetValue(o.LanKey)?.FullName) : null,
                        RequestTimeout = options.RequestTimeout,
                    }
                    : null;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidDataException or IOException or CryptographicException)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            using var loggers = LoggerFactory.Create(b => b
                .SetMinimumLevel(parse.GetValue(o.LogLevel))
                .AddSimpleConsole(c =>
                {
                    c.SingleLine = true;
                    c.TimestampFormat = "HH:mm:ss.fff ";
                    c.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled;
                }));
            DeviceDaemon daemon;
            try
            {
                daemon = new DeviceDaemon(options, loggers);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"Cannot open the notification outbox {options.OutboxDirectory}: {ex.Message}");
                return 1;
            }

            using var owned = daemon;
            try
            {
                await using var control = parse.GetValue(o.ControlPort) is > 0 and var port ? await LocalControlServer.StartAsync(port, daemon, loggers) : null;
                await using var lanServer = lan is null ? null : await LanAccessServer.StartAsync(lan, daemon, loggers);
                var advertised = parse.GetValue(o.AdvertiseUrl)
                    ?? (lanServer is null ? null : new Uri($"{lanServer.Scheme}://{(lan!.BindAddress.Equals(IPAddress.Any) ? "0.0.0.0" : lan.BindAddress)}:{lanServer.LocalEndPoint.Port}/"));
                await using var discovery = advertised is not null && parse.GetValue(o.DiscoveryPort) is > 0 and var discoveryPort
                    ? DiscoveryResponder.Start(
                        new DiscoveryOptions { Port = discoveryPort, Name = parse.GetValue(o.Name) ?? Dns.GetHostName(), RestApi = advertised },
                        loggers)
                    : null;
                using var fifo = parse.GetValue(o.NotifyFifo) is "off"
                    ? null
                    : NotificationFifo.Start(parse.GetValue(o.NotifyFifo) ?? $"/tmp/orleansrelay-{options.DeviceId}.fifo", daemon, NotificationMessage.MaxTextBytes, loggers);
                await daemon.RunAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                await Console.Error.WriteLineAsync($"Cannot listen: {ex.Message}");
                return 1;
            }
            catch (IOException ex) when (ex is not EndOfStreamException)
            {
                await Console.Error.WriteLineAsync($"Cannot open the notification pipe: {ex.Message}");
                return 1;
            }

            return 0;
        });
        return root;
    }

    private static DeviceOptions BuildOptions(ParseResult parse, DaemonCommandOptions o)
    {
        var servers = parse.GetValue(o.Server) is { Length: > 0 } list
            ? list.Select(ServerAddress.Parse).ToArray()
            : throw new ArgumentException("No edge: give --server host:port.");
        string deviceId;
        string secret;
        if (parse.GetValue(o.IdentityFile) is { } identityFile)
        {
            var identity = DeviceIdentity.Load(identityFile.FullName);
            if (DeviceIdentity.IsExposed(identityFile.FullName))
            {
                Console.Error.WriteLine($"Warning: {identityFile.FullName} is readable by other users; chmod 600 it.");
            }

            (deviceId, secret) = (identity.DeviceId, identity.Secret);
        }
        else
        {
            deviceId = DeviceIdSources.Resolve(parse.GetValue(o.DeviceId), parse.GetValue(o.DeviceIdFile));
            secret = ResolveSecret(parse.GetValue(o.Secret), parse.GetValue(o.SecretFile))
                ?? throw new ArgumentException($"No secret: give --identity-file, --secret-file, --secret or {SecretEnvironmentVariable}.");
        }

        var maxBytes = parse.GetValue(o.OutboxMaxBytes);
        if (maxBytes < MinOutboxBytes)
        {
            throw new ArgumentException($"--outbox-max-bytes must be at least {MinOutboxBytes} (two of the longest notifications).");
        }

        var stateDirectory = parse.GetValue(o.StateDir)?.FullName ?? StateDirectory.Default(Environment.GetEnvironmentVariable, Directory.Exists);
        return new DeviceOptions
        {
            Servers = servers,
            DeviceId = deviceId,
            Secret = secret,
            OutboxDirectory = parse.GetValue(o.OutboxDir)?.FullName ?? StateDirectory.OutboxOf(stateDirectory, deviceId),
            OutboxMaxBytes = maxBytes,
            LocalService = parse.GetValue(o.Local)!,
            MaxConcurrency = Math.Max(1, parse.GetValue(o.Concurrency)),
            RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(o.Timeout)),
            Tls = BuildTls(parse, o),
        };
    }

    private static EdgeTlsOptions? BuildTls(ParseResult parse, DaemonCommandOptions o)
    {
        var ca = parse.GetValue(o.TlsCa);
        var pin = parse.GetValue(o.TlsPin);
        var name = parse.GetValue(o.TlsName);
        var clientCert = parse.GetValue(o.ClientCertificate);
        if (!parse.GetValue(o.Tls) && ca is null && pin is null && name is null && clientCert is null)
        {
            return null;
        }

        return new EdgeTlsOptions
        {
            ServerName = name,
            TrustedRoots = ca is null ? null : DeviceCertificates.LoadBundle(ca.FullName),
            PinnedSha256 = pin,
            ClientCertificate = clientCert is null ? null : DeviceCertificates.LoadWithKey(clientCert.FullName, parse.GetValue(o.ClientKey)?.FullName),
        };
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
