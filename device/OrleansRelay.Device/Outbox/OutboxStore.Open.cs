using Microsoft.Extensions.Logging;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Device.Outbox;

internal sealed partial class OutboxStore
{
    /// <summary>Name of the file whose lock keeps a second daemon out of the directory.</summary>
    public const string LockFileName = "lock";

    /// <summary>
    /// Opens (or creates) the outbox in <paramref name="directory"/> and reads what it holds: every segment in order,
    /// every record checked. A torn record at the end of the newest segment (power lost during a write, so it was
    /// never accepted) is cut off with a log line; damage elsewhere is logged and what follows it in that segment is
    /// skipped. <paramref name="durable"/> is told, on the writer thread, of notifications once they are on disk.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be used, or another daemon has it open.</exception>
    public static OutboxStore Open(string directory, long maxBytes, Action<IReadOnlyList<NotificationMessage>> durable, ILogger logger, out OutboxContents contents)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, MinMaxBytes);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var lockFile = LockDirectory(directory);
        try
        {
            var segments = new List<OutboxSegment>();
            var notifications = new List<NotificationMessage>();
            long acknowledged = 0;
            long lastSequence = 0;
            var paths = Directory.EnumerateFiles(directory, "*" + OutboxSegment.Extension)
                .Select(p => (Path: p, Number: OutboxSegment.NumberOf(p)))
                .Where(p => p.Number is not null)
                .OrderBy(p => p.Number)
                .ToArray();
            for (var i = 0; i < paths.Length; i++)
            {
                var newest = i == paths.Length - 1;
                if (ReadSegment(paths[i].Path, paths[i].Number!.Value, newest, logger, notifications, ref acknowledged, ref lastSequence) is { } segment)
                {
                    segments.Add(segment);
                }
            }

            FileStream active;
            if (segments.Count > 0 && segments[^1].Number == paths[^1].Number)
            {
                active = new FileStream(segments[^1].Path, FileMode.Open, FileAccess.Write, FileShare.Read, bufferSize: 0);
                active.SetLength(segments[^1].Length);
                active.Position = segments[^1].Length;
                active.Flush(flushToDisk: true);
            }
            else
            {
                var number = paths.Length == 0 ? 1 : paths[^1].Number!.Value + 1;
                var path = OutboxSegment.PathOf(directory, number);
                active = CreateSegment(path, lastSequence);
                PosixDirectory.Sync(directory);
                segments.Add(new OutboxSegment(number, path, OutboxRecordFormat.HeaderBytes, lastSequence));
            }

            var unacknowledged = notifications.Where(n => n.Sequence > acknowledged).ToArray();
            contents = new OutboxContents(unacknowledged, lastSequence);
            var store = new OutboxStore(directory, maxBytes, lockFile, segments, active, acknowledged, lastSequence, durable, logger);
            OutboxLog.Opened(logger, directory, unacknowledged.Length, store._bytes, segments.Count, maxBytes);
            return store;
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    private static FileStream LockDirectory(string directory)
    {
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix; the kernel drops it when the process dies.
            return new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The outbox {directory} is in use by another daemon ({ex.Message}); give each daemon its own --outbox-dir.", ex);
        }
    }

    private static OutboxSegment? ReadSegment(string path, long number, bool newest, ILogger logger, List<NotificationMessage> notifications, ref long acknowledged, ref long lastSequence)
    {
        var bytes = File.ReadAllBytes(path);
        if (OutboxRecordFormat.ReadHeader(bytes) is not { } floor)
        {
            if (newest && bytes.Length < OutboxRecordFormat.HeaderBytes)
            {
                // Created, header not yet durable when the power went: it never held a record.
                OutboxLog.TornTail(logger, path, 0, bytes.Length);
                File.Delete(path);
                return null;
            }

            var renamed = path + ".damaged";
            File.Move(path, renamed, overwrite: true);
            OutboxLog.BadHeader(logger, path, renamed);
            return null;
        }

        lastSequence = Math.Max(lastSequence, floor);
        var segmentLast = floor;
        var offset = OutboxRecordFormat.HeaderBytes;
        while (offset < bytes.Length)
        {
            var status = OutboxRecordFormat.TryRead(bytes.AsSpan(offset), out var record, out var consumed);
            if (status != OutboxReadStatus.Complete)
            {
                if (newest)
                {
                    // The last write before a crash: never fsync'd, so never accepted. Cut it off (the store truncates).
                    OutboxLog.TornTail(logger, path, offset, bytes.Length - offset);
                }
                else
                {
                    OutboxLog.Damaged(logger, path, offset, bytes.Length - offset);
                }

                break;
            }

            offset += consumed;
            if (record.Kind == OutboxRecordKind.Acknowledged)
            {
                acknowledged = Math.Max(acknowledged, record.Sequence);
            }
            else if (record.Sequence > lastSequence)
            {
                // Sequence numbers only rise; anything else is not a notification this outbox accepted.
                notifications.Add(new NotificationMessage(record.Sequence, record.Text));
                lastSequence = record.Sequence;
                segmentLast = record.Sequence;
            }
        }

        return new OutboxSegment(number, path, newest ? offset : bytes.Length, segmentLast);
    }
}
