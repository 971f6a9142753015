using Microsoft.Extensions.Hosting;

namespace OrleansRelay.Device.Hosting;

/// <summary>
/// The lifetime of a web host embedded in the daemon: it neither handles SIGTERM/Ctrl+C nor prints start-up banners;
/// the daemon starts and stops its hosts itself (SIGTERM is the daemon's, see <see cref="DeviceDaemon.RunAsync"/>).
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
