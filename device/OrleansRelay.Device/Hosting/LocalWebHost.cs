using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansRelay.Device.Hosting;

/// <summary>
/// Builds the Kestrel hosts the daemon embeds (LAN access, local control): the slim builder (no reflection, trim and
/// NativeAOT safe) with no configuration sources (no appsettings, no ASPNETCORE_URLS: only the endpoints the daemon
/// listens on), the daemon's loggers, and no console lifetime.
/// </summary>
internal static class LocalWebHost
{
    /// <summary>How long a stopping host lets requests in flight finish.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    public static WebApplication Build(ILoggerFactory loggers, Action<KestrelServerOptions> configureKestrel, RequestDelegate serve)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        // Kestrel's warnings reach the daemon's console; the host's own start failure is thrown (IOException) and
        // reported by the caller in one line ("Cannot listen: …"), so it is not logged again with its stack trace.
        builder.Logging.ClearProviders()
            .AddProvider(new ForwardingLoggerProvider(loggers))
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            configureKestrel(kestrel);
        });
        var app = builder.Build();
        app.Run(serve);
        return app;
    }

    /// <summary>Stops <paramref name="app"/>, giving requests in flight <see cref="StopGrace"/> to finish.</summary>
    public static async ValueTask StopAsync(WebApplication app)
    {
        using var grace = new CancellationTokenSource(StopGrace);
        await app.StopAsync(grace.Token);
        await app.DisposeAsync();
    }
}
