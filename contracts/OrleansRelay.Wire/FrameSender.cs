using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;

namespace OrleansRelay.Wire;

/// <summary>
/// The single writer of a connection: frames from any number of producers go through one queue and one loop that
/// writes them in batches and flushes once per batch. Body pumps keep at most one chunk per stream in the queue
/// (they await <see cref="SendAndWaitAsync"/>), so the queue interleaves streams round-robin and one large body
/// cannot hold up small responses on the same connection.
/// </summary>
public sealed class FrameSender
{
    private readonly PipeWriter _output;
    private readonly Channel<OutboundFrame> _queue =
        Channel.CreateUnbounded<OutboundFrame>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Creates a sender over <paramref name="output"/>; call <see cref="RunAsync"/> to start writing.</summary>
    public FrameSender(PipeWriter output)
    {
        _output = output;
    }

    /// <summary>Queues a frame without waiting for it to be written. Returns false (and frees the frame) when the sender is closed.</summary>
    public bool TrySend(OutboundFrame frame)
    {
        if (_queue.Writer.TryWrite(frame))
        {
            return true;
        }

        frame.Release(null);
        return false;
    }

    /// <summary>Queues a frame and completes when it has been written to the transport.</summary>
    /// <exception cref="ConnectionClosedException">The connection closed before the frame was written.</exception>
    public Task SendAndWaitAsync(OutboundFrame frame)
    {
        var written = frame.TrackWritten();
        if (!_queue.Writer.TryWrite(frame))
        {
            frame.Release(new ConnectionClosedException("The connection is closed."));
        }

        return written;
    }

    /// <summary>Stops accepting frames; <see cref="RunAsync"/> writes what is queued and returns.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>The write loop. Returns when <see cref="Complete"/> was called and the queue is drained, or the transport fails.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = new List<OutboundFrame>();
        Exception? failure = null;
        try
        {
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (batch.Count < 256 && reader.TryRead(out var frame))
                {
                    _output.Write(frame.Span);
                    batch.Add(frame);
                }

                var result = await _output.FlushAsync(cancellationToken);
                if (result.IsCompleted || result.IsCanceled)
                {
                    // The peer stopped reading: this batch was not delivered (the finally block fails it).
                    failure = new IOException("The transport stopped accepting data.");
                    break;
                }

                foreach (var written in batch)
                {
                    written.Release(null);
                }

                batch.Clear();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            failure = ex;
        }
        finally
        {
            _queue.Writer.TryComplete();
            var closed = new ConnectionClosedException("The connection closed before the frame was written.", failure);
            foreach (var pending in batch)
            {
                pending.Release(closed);
            }

            while (_queue.Reader.TryRead(out var rest))
            {
                rest.Release(closed);
            }
        }
    }
}
