using Microsoft.AspNetCore.Http;
using OrleansRelay.Edge.Connections;

namespace OrleansRelay.Edge.DataPlane;

/// <summary>
/// Copies a device's response body to the client and flushes only when the next bytes are not there yet (or enough
/// are waiting): a short answer whose body came with its head goes out in one send, head and body together, while a
/// stream (events, a camera) still reaches the client the moment each chunk arrives.
/// </summary>
internal static class ResponseBodyCopy
{
    /// <summary>Bytes written without a flush at most, however fast the device sends.</summary>
    private const int MaxUnflushedBytes = 64 * 1024;

    /// <exception cref="OperationCanceledException">The client went away.</exception>
    public static async Task CopyAsync(Stream body, HttpResponse response, CancellationToken cancellationToken)
    {
        var writer = response.BodyWriter;
        var device = body as DeviceResponseBody;
        var unflushed = 0;
        while (true)
        {
            if (unflushed >= MaxUnflushedBytes || device is not { CanReadWithoutWaiting: true })
            {
                // About to wait for the device (or enough is waiting): what is written, the head at least, goes now.
                var flushed = await writer.FlushAsync(cancellationToken);
                if (flushed.IsCanceled)
                {
                    throw new OperationCanceledException("The response's flush was cancelled.");
                }

                if (flushed.IsCompleted)
                {
                    return;
                }

                unflushed = 0;
            }

            var memory = writer.GetMemory();
            var read = await body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                // What is written goes out now, the head too if nothing was flushed yet: one send for a short answer.
                await writer.FlushAsync(cancellationToken);
                return;
            }

            writer.Advance(read);
            unflushed += read;
        }
    }
}
