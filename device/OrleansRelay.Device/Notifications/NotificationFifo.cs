using System.Text;
using Microsoft.Extensions.Logging;

namespace OrleansRelay.Device.Notifications;

/// <summary>
/// A named pipe (FIFO) whose lines become notifications: any program on the device can
/// <c>echo '{"door":"open"}' &gt; /tmp/orleansrelay-pump-1.fifo</c>. Created if missing (mode 0620: the owner reads,
/// the owner and its group write). Lines longer than the limit are refused with a log line, never truncated; invalid
/// UTF-8 too. Held open read-write so the reader never sees end-of-file between writers.
/// <para>
/// Acknowledgements: the lines of one read are handed to the outbox together and the pipe is not read again until
/// they are accepted (on disk), so they share one fsync and the pipe's own buffer is the only thing not yet durable.
/// Then one line per notification line, in order, goes to the acknowledgement FIFO <c>PATH.ack</c> (mode 0640) if a
/// reader has it open: <c>ok SEQUENCE</c> once accepted, or <c>refused REASON MESSAGE</c> (see
/// <see cref="FifoAcknowledgement"/>). A line is accepted only when its <c>ok</c> is written.
/// </para>
/// </summary>
public sealed partial class NotificationFifo : IDisposable
{
    private readonly string _path;
    private readonly string _ackPath;
    private readonly DeviceDaemon _daemon;
    private readonly int _maxLineBytes;
    private readonly ILogger _logger;
    private readonly FileStream _reader;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private int _disposed;

    private NotificationFifo(string path, DeviceDaemon daemon, int maxLineBytes, ILogger logger)
    {
        _path = path;
        _ackPath = AckPathOf(path);
        _daemon = daemon;
        _maxLineBytes = maxLineBytes;
        _logger = logger;
        _reader = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        _thread = new Thread(ReadLines) { IsBackground = true, Name = "notification-fifo" };
        _thread.Start();
        Log.Listening(_logger, path);
    }

    /// <summary>The acknowledgement FIFO of the notification FIFO at <paramref name="path"/>.</summary>
    public static string AckPathOf(string path) => path + ".ack";

    /// <summary>Creates the FIFO and its acknowledgement FIFO if needed and starts turning its lines into notifications.</summary>
    /// <exception cref="IOException">A path exists and is not a FIFO, or cannot be created.</exception>
    public static NotificationFifo Start(string path, DeviceDaemon daemon, int maxLineBytes, ILoggerFactory loggers)
    {
        PosixFifo.Ensure(path, 0b110_010_000, "--notify-fifo");
        PosixFifo.Ensure(AckPathOf(path), 0b110_100_000, "--notify-fifo");
        return new NotificationFifo(path, daemon, maxLineBytes, loggers.CreateLogger<NotificationFifo>());
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping = true;
        try
        {
            // Wake the blocked read with an empty line of our own.
            using var waker = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            waker.WriteByte((byte)'\n');
        }
        catch (IOException)
        {
        }

        _thread.Join(TimeSpan.FromSeconds(5));
        _reader.Dispose();
    }

    private void ReadLines()
    {
        var buffer = new byte[64 * 1024];
        var line = new MemoryStream();
        var overlong = false;
        var outcomes = new List<Task<string>>();
        while (!_stopping)
        {
            int read;
            try
            {
                read = _reader.Read(buffer, 0, buffer.Length);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                Log.ReadFailed(_logger, _path, ex.Message);
                return;
            }

            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    if (!overlong && line.Length >= _maxLineBytes)
                    {
                        overlong = true;
                        Log.LineTooLong(_logger, _path, _maxLineBytes);
                    }

                    if (!overlong)
                    {
                        line.WriteByte(buffer[i]);
                    }

                    continue;
                }

                if (overlong && !_stopping)
                {
                    outcomes.Add(Task.FromResult(FifoAcknowledgement.Refused(NotificationRefusal.Invalid, $"The line is longer than {_maxLineBytes} bytes.")));
                }
                else if (line.Length > 0 && !_stopping)
                {
                    outcomes.Add(Submit(line.GetBuffer().AsSpan(0, (int)line.Length)));
                }

                line.SetLength(0);
                overlong = false;
            }

            Acknowledge(outcomes);
            outcomes.Clear();
        }
    }

    /// <summary>Waits until the lines of this read are accepted (one fsync, usually) and tells the acknowledgement FIFO.</summary>
    private void Acknowledge(List<Task<string>> outcomes)
    {
        if (outcomes.Count == 0)
        {
            return;
        }

        var replies = new StringBuilder();
        foreach (var outcome in outcomes)
        {
            replies.Append(outcome.GetAwaiter().GetResult()).Append('\n');
        }

        var bytes = Encoding.UTF8.GetBytes(replies.ToString());
        try
        {
            var written = PosixFifo.TryWrite(_ackPath, bytes);
            if (written > 0 && written < bytes.Length)
            {
                Log.AcknowledgementsLost(_logger, _ackPath, bytes.Length - written, "its pipe is full");
            }
        }
        catch (IOException ex)
        {
            Log.AcknowledgementsLost(_logger, _ackPath, bytes.Length, ex.Message);
        }
    }

    private Task<string> Submit(ReadOnlySpan<byte> bytes)
    {
        if (bytes[^1] == (byte)'\r')
        {
            bytes = bytes[..^1];
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            Log.NotUtf8(_logger, _path);
            return Task.FromResult(FifoAcknowledgement.Refused(NotificationRefusal.Invalid, "The line is not valid UTF-8."));
        }

        // Refusals (outbox full, invalid, disk failure) are logged by the daemon.
        return FifoAcknowledgement.OfAsync(_daemon.NotifyAsync(text));
    }

    private static partial class Log
    {
        [LoggerMessage(4030, LogLevel.Information, "Reading notifications from the named pipe {Path}")]
        public static partial void Listening(ILogger logger, string path);

        [LoggerMessage(4031, LogLevel.Warning, "A line written to {Path} is longer than {MaxBytes} bytes: refused (not truncated)")]
        public static partial void LineTooLong(ILogger logger, string path, int maxBytes);

        [LoggerMessage(4032, LogLevel.Warning, "A line written to {Path} is not valid UTF-8: refused")]
        public static partial void NotUtf8(ILogger logger, string path);

        [LoggerMessage(4033, LogLevel.Error, "Reading the named pipe {Path} failed: {Detail}; notifications from it stop")]
        public static partial void ReadFailed(ILogger logger, string path, string detail);

        [LoggerMessage(4034, LogLevel.Warning, "{Bytes} bytes of acknowledgements not delivered to {Path} ({Detail}); the notifications were handled all the same")]
        public static partial void AcknowledgementsLost(ILogger logger, string path, int bytes, string detail);
    }
}
