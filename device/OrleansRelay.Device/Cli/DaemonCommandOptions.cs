using System.CommandLine;
using Microsoft.Extensions.Logging;
using OrleansRelay.Device.Discovery;

namespace OrleansRelay.Device.Cli;

/// <summary>The options of the daemon (root) command.</summary>
internal sealed class DaemonCommandOptions
{
    public Option<string[]> Server { get; } = new("--server", "-s")
    {
        Description = "Edge device endpoint host:port; repeat for several (shuffled, tried in turn).",
        Arity = ArgumentArity.OneOrMore,
    };

    public Option<FileInfo?> IdentityFile { get; } = new("--identity-file") { Description = "Identity file written at provisioning (device id and secret)." };

    public Option<string?> DeviceId { get; } = new("--device-id", "-d") { Description = "The provisioned device id." };

    public Option<FileInfo?> DeviceIdFile { get; } = new("--device-id-file") { Description = "Read the device id from this file (e.g. a flash chip's id under /sys)." };

    public Option<string?> Secret { get; } = new("--secret") { Description = $"The device secret (prefer --identity-file, --secret-file or {Cli.DeviceCommand.SecretEnvironmentVariable})." };

    public Option<FileInfo?> SecretFile { get; } = new("--secret-file") { Description = "File holding the device secret." };

    public Option<Uri> Local { get; } = new("--local", "-l")
    {
        Description = "Base URL of the device's REST service. Its path is kept: a relayed /zones goes to /api/zones with "
            + "--local http://127.0.0.1:8080/api (appended, never resolved against it, so a request cannot leave this service).",
        DefaultValueFactory = _ => new Uri("http://127.0.0.1:8080"),
        CustomParser = CliParsers.ServiceUrl,
    };

    public Option<int> Concurrency { get; } = new("--max-concurrency") { Description = "Most requests sent to the local service at once.", DefaultValueFactory = _ => 16 };

    public Option<double> Timeout { get; } = new("--request-timeout") { Description = "Seconds a local request may take before 504.", DefaultValueFactory = _ => 30 };

    public Option<int> ControlPort { get; } = new("--control-port")
    {
        Description = "Serve the local control endpoint (POST /cache/invalidate) on 127.0.0.1:PORT; 0 turns it off.",
        DefaultValueFactory = _ => 0,
    };

    public Option<bool> Tls { get; } = new("--tls") { Description = "Connect to the edge with TLS, validated against the system trust store." };

    public Option<FileInfo?> TlsCa { get; } = new("--tls-ca") { Description = "PEM file of the private CA that issued the edge's certificate (implies --tls)." };

    public Option<string?> TlsPin { get; } = new("--tls-pin") { Description = "SHA-256 fingerprint (hex) of the edge's certificate to accept (implies --tls)." };

    public Option<string?> TlsName { get; } = new("--tls-name") { Description = "Name the edge's certificate must carry, if not the --server host (implies --tls)." };

    public Option<FileInfo?> ClientCertificate { get; } = new("--client-cert") { Description = "Client certificate (PEM or .pfx; CN = device id) for mutual TLS (implies --tls)." };

    public Option<FileInfo?> ClientKey { get; } = new("--client-key") { Description = "PEM private key of --client-cert, when not in the same file." };

    public Option<int> LanPort { get; } = new("--lan-port")
    {
        Description = $"Serve the device's API to the LAN on this port (suggested {Lan.LanAccessOptions.SuggestedPort}); 0 (default) turns LAN access off.",
        DefaultValueFactory = _ => 0,
    };

    public Option<string> LanBind { get; } = new("--lan-bind") { Description = "Address the LAN listener binds to.", DefaultValueFactory = _ => "0.0.0.0" };

    public Option<FileInfo?> LanCertificate { get; } = new("--lan-cert") { Description = "Serve LAN access over HTTPS with this certificate (PEM or .pfx)." };

    public Option<FileInfo?> LanKey { get; } = new("--lan-key") { Description = "PEM private key of --lan-cert, when not in the same file." };

    public Option<int> DiscoveryPort { get; } = new("--discovery-port")
    {
        Description = "UDP port answering discovery probes (with LAN access or --advertise-url); 0 turns discovery off.",
        DefaultValueFactory = _ => DiscoveryMessages.ProbePort,
    };

    public Option<Uri?> AdvertiseUrl { get; } = new("--advertise-url")
    {
        Description = "REST API URL announced to discovery probes (default: the LAN listener's URL).",
        CustomParser = CliParsers.HttpUrl,
    };

    public Option<string?> Name { get; } = new("--name") { Description = "Device name announced to discovery probes (default: host name)." };

    public Option<string?> NotifyFifo { get; } = new("--notify-fifo")
    {
        Description = "Named pipe whose lines become notifications (created if missing, mode 0620). Default /tmp/orleansrelay-<device-id>.fifo; 'off' disables it.",
    };

    public Option<DirectoryInfo?> StateDir { get; } = new("--state-dir")
    {
        Description = "Directory of the daemon's state (the notification outbox). Default: $STATE_DIRECTORY (systemd StateDirectory=), "
            + "else /var/lib/orleansrelay when it exists, else $XDG_STATE_HOME/orleansrelay (~/.local/state/orleansrelay).",
    };

    public Option<DirectoryInfo?> OutboxDir { get; } = new("--outbox-dir")
    {
        Description = "Directory of the notification outbox on disk (notifications are fsync'd there before they count as accepted, "
            + "and replayed after a restart). Default <state-dir>/outbox/<device-id>.",
    };

    public Option<long> OutboxMaxBytes { get; } = new("--outbox-max-bytes")
    {
        Description = "Most bytes the outbox's files may take; beyond that new notifications are refused until the relay acknowledges older ones.",
        DefaultValueFactory = _ => DeviceOptions.DefaultOutboxMaxBytes,
    };

    public Option<LogLevel> LogLevel { get; } = new("--log-level") { Description = "Minimum log level.", DefaultValueFactory = _ => Microsoft.Extensions.Logging.LogLevel.Information };

    public IEnumerable<Option> All =>
    [
        Server, IdentityFile, DeviceId, DeviceIdFile, Secret, SecretFile, Local, Concurrency, Timeout, ControlPort,
        Tls, TlsCa, TlsPin, TlsName, ClientCertificate, ClientKey,
        LanPort, LanBind, LanCertificate, LanKey, DiscoveryPort, AdvertiseUrl, Name, NotifyFifo, StateDir, OutboxDir, OutboxMaxBytes, LogLevel,
    ];
}
