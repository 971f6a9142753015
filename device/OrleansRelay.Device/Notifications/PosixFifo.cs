using System.Runtime.InteropServices;

namespace OrleansRelay.Device.Notifications;

/// <summary>The few POSIX calls named pipes need that .NET does not offer: mkfifo, and a write that never blocks.</summary>
internal static partial class PosixFifo
{
    private const int WriteOnlyNonBlockingCloseOnExec = 0x1 | 0x800 | 0x80000; // O_WRONLY | O_NONBLOCK | O_CLOEXEC (x64, arm64, arm)
    private const int NoReader = 6; // ENXIO
    private const int Interrupted = 4; // EINTR

    /// <summary>Creates the FIFO at <paramref name="path"/> unless it exists; checks an existing path is one.</summary>
    /// <exception cref="IOException">The path exists and is not a FIFO, or cannot be created.</exception>
    public static void Ensure(string path, uint mode, string option)
    {
        if (Directory.Exists(path) || (File.Exists(path) && !IsFifo(path)))
        {
            throw new IOException($"{path} exists and is not a named pipe; remove it or choose another {option} path.");
        }

        if (!File.Exists(path) && mkfifo(path, mode) != 0)
        {
            throw new IOException($"Could not create the named pipe {path}: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> to the FIFO if a reader has it open, without ever blocking. Returns how many
    /// bytes went in: 0 when nobody reads it, fewer than all when the reader lets the pipe fill up.
    /// </summary>
    /// <exception cref="IOException">The FIFO cannot be opened for another reason.</exception>
    public static unsafe int TryWrite(string path, ReadOnlySpan<byte> bytes)
    {
        var fd = open(path, WriteOnlyNonBlockingCloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == NoReader ? 0 : throw new IOException($"Cannot open {path} for writing: errno {errno}.");
        }

        try
        {
            var written = 0;
            fixed (byte* start = bytes)
            {
                while (written < bytes.Length)
                {
                    var result = write(fd, start + written, (nuint)(bytes.Length - written));
                    if (result > 0)
                    {
                        written += (int)result;
                    }
                    else if (result < 0 && Marshal.GetLastPInvokeError() == Interrupted)
                    {
                        continue;
                    }
                    else
                    {
                        // EAGAIN (the pipe is full) or EPIPE (the reader left): what is left is not delivered.
                        break;
                    }
                }
            }

            return written;
        }
        finally
        {
            _ = close(fd);
        }
    }

    private static bool IsFifo(string path)
    {
        // .NET has no file-type query for FIFOs; opened read-write a FIFO does not block and is not seekable.
        using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        return !probe.CanSeek;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkfifo(string path, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
