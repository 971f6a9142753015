using Microsoft.Extensions.Logging;

namespace OrleansRelay.Device.Lan;

/// <summary>The LAN listener's log events (4300–4399). Refused connections beyond the limit are Kestrel's own warning.</summary>
internal static partial class LanLog
{
    [LoggerMessage(4300, LogLevel.Information, "LAN access listening on {EndPoint} ({Scheme})")]
    public static partial void Listening(ILogger logger, string endPoint, string scheme);

    [LoggerMessage(4301, LogLevel.Debug, "LAN {Remote}: {Method} {Target} -> {Status}")]
    public static partial void Served(ILogger logger, string? remote, string method, string target, int status);

    [LoggerMessage(4302, LogLevel.Warning, "LAN {Remote}: bad request answered {Status}: {Detail}")]
    public static partial void BadRequest(ILogger logger, string? remote, int status, string detail);

    [LoggerMessage(4303, LogLevel.Warning, "LAN request {Method} {Target}: local service failed: {Detail}; answered 502")]
    public static partial void LocalFailed(ILogger logger, string method, string target, string detail);

    [LoggerMessage(4304, LogLevel.Warning, "LAN request {Method} {Target}: local service timed out after {Timeout}; answered 504")]
    public static partial void LocalTimeout(ILogger logger, string method, string target, TimeSpan timeout);

    [LoggerMessage(4305, LogLevel.Information, "LAN write to {Path}: cloud cache invalidation queued ({Pending} pending)")]
    public static partial void Invalidated(ILogger logger, string path, int pending);

    [LoggerMessage(4306, LogLevel.Warning, "LAN write to {Path}: cannot invalidate the cloud cache: {Detail}")]
    public static partial void NotInvalidated(ILogger logger, string path, string detail);

    [LoggerMessage(4308, LogLevel.Debug, "LAN {Remote}: {Method} {Target}: response cut short: {Detail}")]
    public static partial void ResponseCutShort(ILogger logger, string? remote, string method, string target, string detail);
}
