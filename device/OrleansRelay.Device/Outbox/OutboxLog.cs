using Microsoft.Extensions.Logging;

namespace OrleansRelay.Device.Outbox;

/// <summary>Log messages of the notification outbox (events 4040–4049).</summary>
internal static partial class OutboxLog
{
    [LoggerMessage(4040, LogLevel.Information, "Outbox {Directory}: {Count} unacknowledged notifications to replay, {Bytes} bytes in {Segments} segments, up to {MaxBytes} bytes")]
    public static partial void Opened(ILogger logger, string directory, int count, long bytes, int segments, long maxBytes);

    [LoggerMessage(4041, LogLevel.Warning, "Outbox segment {Path} ends in a torn record at offset {Offset} ({Bytes} bytes, written when the daemon or the device stopped): dropped")]
    public static partial void TornTail(ILogger logger, string path, long offset, long bytes);

    [LoggerMessage(4042, LogLevel.Error, "Outbox segment {Path} is damaged at offset {Offset} ({Bytes} bytes after it unreadable): the notifications there are lost")]
    public static partial void Damaged(ILogger logger, string path, long offset, long bytes);

    [LoggerMessage(4043, LogLevel.Error, "{Path} is not an outbox segment (bad header): renamed to {Renamed}, not read")]
    public static partial void BadHeader(ILogger logger, string path, string renamed);

    [LoggerMessage(4044, LogLevel.Warning, "The outbox is full ({Bytes} of {MaxBytes} bytes): notification refused until the relay acknowledges older ones")]
    public static partial void Full(ILogger logger, long bytes, long maxBytes);

    [LoggerMessage(4045, LogLevel.Error, "Writing the outbox failed: {Detail}; the notifications of this write were refused")]
    public static partial void WriteFailed(ILogger logger, string detail);

    [LoggerMessage(4046, LogLevel.Warning, "Deleting the acknowledged outbox segment {Path} failed: {Detail}")]
    public static partial void DeleteFailed(ILogger logger, string path, string detail);
}
