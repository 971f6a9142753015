using Microsoft.Extensions.Logging;
using OrleansRelay.Wire;

namespace OrleansRelay.Device;

internal sealed partial class RelaySession
{
    private static partial class Log
    {
        [LoggerMessage(4100, LogLevel.Warning, "Edge broke the protocol ({Code}): {Detail}")]
        public static partial void ProtocolViolation(ILogger logger, ProtocolErrorCode code, string detail);

        [LoggerMessage(4101, LogLevel.Information, "Edge sent go-away: {Code}: {Reason}")]
        public static partial void GoAwayReceived(ILogger logger, string code, string reason);

        [LoggerMessage(4102, LogLevel.Debug, "Edge reset stream {StreamId} ({Code})")]
        public static partial void StreamReset(ILogger logger, uint streamId, StreamResetCode code);

        [LoggerMessage(4103, LogLevel.Warning, "Edge sent an invalid request head on stream {StreamId}: {Detail}")]
        public static partial void BadRequestHead(ILogger logger, uint streamId, string detail);

        [LoggerMessage(4104, LogLevel.Warning, "Local service timed out on {Method} {Target} after {Timeout}; answered 504")]
        public static partial void LocalTimeout(ILogger logger, string method, string target, TimeSpan timeout);

        [LoggerMessage(4105, LogLevel.Warning, "Local service failed on {Method} {Target}: {Detail}; answered 502")]
        public static partial void LocalFailed(ILogger logger, string method, string target, string detail);

        [LoggerMessage(4106, LogLevel.Warning, "Local response to {Method} {Target} exceeds the body limit of {Limit} bytes; stream reset")]
        public static partial void ResponseTooLarge(ILogger logger, string method, string target, long limit);

        [LoggerMessage(4107, LogLevel.Warning, "Local response on stream {StreamId} cannot be relayed: {Detail}; answered 502")]
        public static partial void UnrelayableResponse(ILogger logger, uint streamId, string detail);

        [LoggerMessage(4108, LogLevel.Debug, "Stream {StreamId} ({Method} {Target}) stopped: {Reason}; the local request was abandoned")]
        public static partial void StreamAbandoned(ILogger logger, uint streamId, string method, string target, string reason);

        [LoggerMessage(4140, LogLevel.Warning, "Upgrade request {Method} {Target} refused: this handler cannot relay upgrades; answered 501")]
        public static partial void UpgradeNotSupported(ILogger logger, string method, string target);

        [LoggerMessage(4141, LogLevel.Debug, "Stream {StreamId} upgraded ({Target}): tunnel open")]
        public static partial void Upgraded(ILogger logger, uint streamId, string target);

        [LoggerMessage(4142, LogLevel.Debug, "Tunnel of stream {StreamId} closed: both sides ended")]
        public static partial void TunnelClosed(ILogger logger, uint streamId);

        [LoggerMessage(4143, LogLevel.Debug, "The edge ended its half of a tunnel; the local connection cannot be half-closed and stays open until the service ends its half")]
        public static partial void HalfCloseUnavailable(ILogger logger);
    }
}
