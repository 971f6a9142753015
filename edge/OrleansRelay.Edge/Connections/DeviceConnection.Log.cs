using Microsoft.Extensions.Logging;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Connections;

internal sealed partial class DeviceConnection
{
    private static partial class Log
    {
        [LoggerMessage(2100, LogLevel.Warning, "Device {DeviceId} broke the protocol ({Code}): {Detail}")]
        public static partial void ProtocolViolation(ILogger logger, string deviceId, ProtocolErrorCode code, string detail);

        [LoggerMessage(2101, LogLevel.Information, "Closing device {DeviceId} session {Epoch}: {Code}: {Reason}")]
        public static partial void Closing(ILogger logger, string deviceId, long epoch, string code, string reason);

        [LoggerMessage(2102, LogLevel.Warning, "Device {DeviceId} did not answer stream {StreamId} within {Timeout}")]
        public static partial void RequestTimedOut(ILogger logger, string deviceId, uint streamId, TimeSpan timeout);

        [LoggerMessage(2104, LogLevel.Information, "Draining device {DeviceId} session {Epoch}: {InFlight} requests in flight")]
        public static partial void Draining(ILogger logger, string deviceId, long epoch, int inFlight);

        [LoggerMessage(2105, LogLevel.Warning, "Device {DeviceId} session {Epoch} dropped, it stopped reading: {Reason}")]
        public static partial void SlowReader(ILogger logger, string deviceId, long epoch, string reason);

        [LoggerMessage(2103, LogLevel.Debug, "Device {DeviceId}: frame for finished stream {StreamId} ignored")]
        public static partial void LateFrameIgnored(ILogger logger, string deviceId, uint streamId);

        [LoggerMessage(2106, LogLevel.Warning, "Device {DeviceId} stream {StreamId}: response over the body limit of {Limit} bytes; stream reset, client response cut")]
        public static partial void ResponseTooLarge(ILogger logger, string deviceId, uint streamId, long limit);

        [LoggerMessage(2107, LogLevel.Information, "Device {DeviceId} stream {StreamId}: request body over the limit of {Limit} bytes; stream reset")]
        public static partial void RequestBodyTooLarge(ILogger logger, string deviceId, uint streamId, long limit);
    }
}
