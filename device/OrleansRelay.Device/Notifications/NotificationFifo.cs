using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace OrleansRelay.Device.Notifications;

/// <summary>
/// A named pipe (FIFO) whose lines become notifications: any program on the device can
/// <c>echo '{"door":"open"}' &gt; /tmp/orleansrelay-pump-1.fifo</c>. Created if missing (mode 0620: the owner reads,
/// the owner and its group write). Lines longer than the limit are refused with a log line, never truncated; invalid
/// UTF-8 too. Held open read-write so the reader never sees end-of-file between writers.
/// </summary>
public sealed partial class NotificationFifo : IDisposable
{
    private readonly string _path;
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
        _daemon = daemon;
        _maxLineBytes = maxLineBytes;
        _logger = logger;
        _reader = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        _thread = new Thread(ReadLines) { IsBackground = true, Name = "notification-fifo" };
        _thread.Start();
        Log.Listening(_logger, path);
    }

    /// <summary>Creates the FIFO if needed and starts turning its lines into notifications.</summary>
    /// <exception cref="IOException">The path exists and is not a FIFO, or cannot be created.</exception>
    public static NotificationFifo Start(string path, DeviceDaemon daemon, int maxLineBytes, ILoggerFactory loggers)
    {
        if (Directory.Exists(path) || (File.Exists(path) && !Native.IsFifo(path)))
        {
            throw new IOException($"{path} exists and is not a named pipe; remove it or choose another --notify-fifo path.");
        }

        if (!File.Exists(path) && Native.mkfifo(path, 0b110_010_000) != 0)
        {
            throw new IOException($"Could not create the named pipe {path}: errno {Marshal.GetLastPInvokeError()}.");
        }

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

                if (!overlong && line.Length > 0 && !_stopping)
                {
                    Submit(line.GetBuffer().AsSpan(0, (int)line.Length));
                }

                line.SetLength(0);
                overlong = false;
            }
        }
    }

    private void Submit(ReadOnlySpan<byte> bytes)
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
            return;
        }

        // Refusals (outbox full, invalid) are logged by the daemon.
        _daemon.Notify(text);
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int mkfifo(string path, uint mode);

        internal static bool IsFifo(string path)
        {
            // .NET has no file-type query for FIFOs; opened read-write a FIFO does not block and is not seekable.
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
            return !probe.CanSeek;
        }
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
    }
}
