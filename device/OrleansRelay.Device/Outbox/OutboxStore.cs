using System.Buffers;
using Microsoft.Extensions.Logging;
using OrleansRelay.Device.Notifications;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Device.Outbox;

/// <summary>
/// The outbox on disk: notifications are appended to segment files and count as accepted only once fsync'd. Group
/// commit: one writer thread takes everything appended while it was busy and writes it with one <c>write</c> and one
/// fsync, so many concurrent callers share each fsync. Acknowledgements are appended as marks (not fsync'd: losing one
/// only means a resend the relay drops by sequence number), and a segment is deleted once every notification in it is
/// acknowledged. Bounded by <see cref="MaxBytes"/> of files: beyond it new notifications are refused.
/// </summary>
internal sealed partial class OutboxStore : IDisposable
{
    /// <summary>Smallest bound accepted (a few of the longest notifications).</summary>
    public const long MinMaxBytes = 4 * 1024;

    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly ILogger _logger;
    private readonly FileStream _lock;
    private readonly Action<IReadOnlyList<NotificationMessage>> _durable;
    private readonly List<OutboxSegment> _segments;
    private readonly object _gate = new();
    private readonly Thread _writer;
    private ArrayBufferWriter<byte> _batch = new(64 * 1024);
    private ArrayBufferWriter<byte> _spare = new(64 * 1024);
    private List<NotificationMessage> _batchNotifications = [];
    private TaskCompletionSource _batchWritten = NewCompletion();
    private bool _batchNeedsSync;
    private long _bytes;
    private long _acknowledged;
    private long _lastWrittenSequence;
    private bool _disposed;
    private long _syncs;
    private FileStream _active;

    private OutboxStore(string directory, long maxBytes, FileStream lockFile, List<OutboxSegment> segments, FileStream active, long acknowledged, long lastSequence, Action<IReadOnlyList<NotificationMessage>> durable, ILogger logger)
    {
        _directory = directory;
        MaxBytes = maxBytes;
        _segmentBytes = Math.Clamp(maxBytes / 8, 1024, 8 * 1024 * 1024);
        _lock = lockFile;
        _segments = segments;
        _active = active;
        _acknowledged = acknowledged;
        _lastWrittenSequence = lastSequence;
        _durable = durable;
        _logger = logger;
        _bytes = segments.Sum(s => s.Length);
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "notification-outbox" };
        _writer.Start();
    }

    /// <summary>Most bytes the segment files may take.</summary>
    public long MaxBytes { get; }

    /// <summary>Bytes the segment files take, with what is waiting to be written.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>fsyncs of appended records so far (each one accepted a batch of notifications).</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>Segment files on disk.</summary>
    public int Segments
    {
        get
        {
            lock (_gate)
            {
                return _segments.Count;
            }
        }
    }

    /// <summary>
    /// Appends <paramref name="notification"/>; the task completes once it is on disk (after
    /// <see cref="_durable"/> was told), or fails with <see cref="NotificationRefusedException"/> when the write failed.
    /// Callers append in sequence order.
    /// </summary>
    /// <exception cref="NotificationRefusedException">The outbox is full (<see cref="NotificationRefusal.OutboxFull"/>).</exception>
    public Task Append(NotificationMessage notification)
    {
        var size = OutboxRecordFormat.SizeOf(notification.Text);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_bytes + size > MaxBytes)
            {
                OutboxLog.Full(_logger, _bytes, MaxBytes);
                throw new NotificationRefusedException(
                    NotificationRefusal.OutboxFull,
                    $"The outbox is full ({_bytes} of {MaxBytes} bytes wait for the relay's acknowledgement); try again later.");
            }

            OutboxRecordFormat.Write(_batch, OutboxRecordKind.Notification, notification.Sequence, notification.Text);
            _bytes += size;
            _batchNotifications.Add(notification);
            _batchNeedsSync = true;
            Monitor.Pulse(_gate);
            return _batchWritten.Task;
        }
    }

    /// <summary>The relay recorded every notification up to <paramref name="sequence"/>: mark it, and delete what it frees.</summary>
    public void Acknowledge(long sequence)
    {
        lock (_gate)
        {
            if (_disposed || sequence <= _acknowledged)
            {
                return;
            }

            _acknowledged = sequence;
            _bytes += OutboxRecordFormat.Write(_batch, OutboxRecordKind.Acknowledged, sequence, string.Empty);
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Writes what is waiting, stops the writer and closes the files.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Monitor.Pulse(_gate);
        }

        _writer.Join();
        _active.Dispose();
        _lock.Dispose();
    }

    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void WriteLoop()
    {
        while (true)
        {
            ArrayBufferWriter<byte> batch;
            List<NotificationMessage> notifications;
            TaskCompletionSource written;
            bool sync;
            lock (_gate)
            {
                while (_batch.WrittenCount == 0 && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                if (_batch.WrittenCount == 0)
                {
                    return;
                }

                // Swap in an empty batch: callers arriving during this write and fsync form the next one.
                (batch, _batch, _spare) = (_batch, _spare, _batch);
                (notifications, _batchNotifications) = (_batchNotifications, []);
                (written, _batchWritten) = (_batchWritten, NewCompletion());
                (sync, _batchNeedsSync) = (_batchNeedsSync, false);
            }

            try
            {
                Write(batch.WrittenSpan, sync, notifications);
                if (notifications.Count > 0)
                {
                    _durable(notifications);
                }

                written.SetResult();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                OutboxLog.WriteFailed(_logger, ex.Message);
                lock (_gate)
                {
                    _bytes -= batch.WrittenCount;
                }

                written.SetException(new NotificationRefusedException(NotificationRefusal.StorageFailed, $"Writing the outbox failed: {ex.Message}", ex));
            }
            finally
            {
                batch.ResetWrittenCount();
            }

            DeleteAcknowledged();
        }
    }

    private void Write(ReadOnlySpan<byte> records, bool sync, List<NotificationMessage> notifications)
    {
        var active = _segments[^1];
        if (active.Length > OutboxRecordFormat.HeaderBytes && active.Length + records.Length > _segmentBytes)
        {
            active = Roll();
        }

        var before = active.Length;
        try
        {
            _active.Write(records);
            if (sync)
            {
                _active.Flush(flushToDisk: true);
                Interlocked.Increment(ref _syncs);
            }
        }
        catch (IOException)
        {
            // Leave no half-written batch behind (disk full): the next records must follow a whole one.
            TryTruncate(before);
            throw;
        }

        lock (_gate)
        {
            active.Length = before + records.Length;
            if (notifications.Count > 0)
            {
                active.LastSequence = notifications[^1].Sequence;
                _lastWrittenSequence = notifications[^1].Sequence;
            }
        }
    }

    private void TryTruncate(long length)
    {
        try
        {
            _active.SetLength(length);
            _active.Position = length;
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Starts a new segment; its header (with the sequence floor) and directory entry are durable before any record goes in.</summary>
    private OutboxSegment Roll()
    {
        var number = _segments[^1].Number + 1;
        var path = OutboxSegment.PathOf(_directory, number);
        var file = CreateSegment(path, _lastWrittenSequence);
        PosixDirectory.Sync(_directory);
        var segment = new OutboxSegment(number, path, OutboxRecordFormat.HeaderBytes, _lastWrittenSequence);
        var previous = _active;
        lock (_gate)
        {
            _active = file;
            _segments.Add(segment);
            _bytes += OutboxRecordFormat.HeaderBytes;
        }

        previous.Dispose();
        return segment;
    }

    private static FileStream CreateSegment(string path, long floorSequence)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var file = new FileStream(path, options);
        Span<byte> header = stackalloc byte[OutboxRecordFormat.HeaderBytes];
        OutboxRecordFormat.WriteHeader(header, floorSequence);
        file.Write(header);
        file.Flush(flushToDisk: true);
        return file;
    }

    /// <summary>
    /// Deletes the segments whose notifications are all acknowledged. The active one is first replaced by a new one
    /// when it is fully acknowledged and a quarter full, so an idle, acknowledged outbox does not keep its bytes.
    /// </summary>
    private void DeleteAcknowledged()
    {
        bool rollActive;
        lock (_gate)
        {
            var active = _segments[^1];
            rollActive = active.LastSequence <= _acknowledged && _batch.WrittenCount == 0 && active.Length >= _segmentBytes / 4;
        }

        if (rollActive)
        {
            try
            {
                Roll();
            }
            catch (IOException ex)
            {
                OutboxLog.WriteFailed(_logger, ex.Message);
            }
        }

        List<OutboxSegment> done;
        lock (_gate)
        {
            done = [.. _segments.Take(_segments.Count - 1).TakeWhile(s => s.LastSequence <= _acknowledged)];
        }

        foreach (var segment in done)
        {
            try
            {
                File.Delete(segment.Path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                OutboxLog.DeleteFailed(_logger, segment.Path, ex.Message);
                return;
            }

            lock (_gate)
            {
                _segments.Remove(segment);
                _bytes -= segment.Length;
            }
        }
    }
}
