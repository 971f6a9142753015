using Microsoft.Extensions.Logging;

namespace OrleansRelay.Device.Hosting;

/// <summary>Sends an embedded web host's logs to the daemon's own logger factory (one console format, one level).</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory loggers) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => loggers.CreateLogger(categoryName);

    /// <summary>The factory is the daemon's; it outlives the host.</summary>
    public void Dispose()
    {
    }
}
