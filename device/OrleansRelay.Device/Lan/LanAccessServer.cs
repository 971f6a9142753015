using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansRelay.Device.Lan;

/// <summary>
/// The daemon's LAN listener, a Kestrel host: LAN clients get the device's API (HTTP/1.1, HTTPS when given a
/// certificate) without the cloud. Requests go to the same <see cref="IHttpRequestHandler"/> as relayed ones
/// (<see cref="LanRequestForwarder"/>). Limits (head and body size, connections, keep-alive) are Kestrel's.
/// </summary>
public sealed class LanAccessServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LanAccessServer(WebApplication app, IPEndPoint localEndPoint, string scheme)
    {
        _app = app;
        LocalEndPoint = localEndPoint;
        Scheme = scheme;
    }

    /// <summary>Where it listens.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary><c>https</c> when serving with a certificate, else <c>http</c>.</summary>
    public string Scheme { get; }

    /// <summary>Starts listening.</summary>
    /// <exception cref="IOException">The port is taken or not permitted.</exception>
    public static async Task<LanAccessServer> StartAsync(LanAccessOptions options, DeviceDaemon daemon, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger<LanAccessServer>();
        var forwarder = new LanRequestForwarder(options, daemon, logger);
        var app = Hosting.LocalWebHost.Build(loggers, kestrel => Configure(kestrel, options), forwarder.ServeAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var server = new LanAccessServer(app, new IPEndPoint(options.BindAddress, new Uri(address).Port), options.Certificate is null ? "http" : "https");
        LanLog.Listening(logger, server.LocalEndPoint.ToString(), server.Scheme);
        return server;
    }

    private static void Configure(KestrelServerOptions kestrel, LanAccessOptions options)
    {
        var limits = kestrel.Limits;
        limits.MaxRequestHeadersTotalSize = options.MaxHeadBytes;
        limits.MaxRequestLineSize = Math.Min(options.MaxHeadBytes, limits.MaxRequestLineSize);
        limits.MaxRequestBodySize = options.MaxBodyBytes;
        limits.MaxConcurrentConnections = options.MaxConnections;
        limits.MaxConcurrentUpgradedConnections = 0;
        limits.KeepAliveTimeout = options.IdleTimeout;
        limits.RequestHeadersTimeout = options.IdleTimeout;
        kestrel.Listen(options.BindAddress, options.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            if (options.Certificate is { } certificate)
            {
                listen.UseHttps(certificate);
            }
        });
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Hosting.LocalWebHost.StopAsync(_app);
}
