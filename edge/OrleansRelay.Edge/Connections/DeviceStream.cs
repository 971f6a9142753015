using System.Buffers;
using OrleansRelay.Edge.Relaying;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Connections;

/// <summary>
/// One relayed request in flight on a device connection: the send window of its request body, the response head
/// when it arrives, and the response body as it streams in (consumed at the client's pace: window credit goes back to
/// the device only as the body is read). Fed by the connection's read loop.
/// </summary>
internal sealed class DeviceStream
{
    private readonly TaskCompletionSource<HttpResponseHead?> _head = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _window;
    private readonly long _maxBody;
    private readonly Action<uint, int> _grant;
    private InboundBodyStream? _body;
    private long _received;
    private (RelayError Error, string Message) _failure = (RelayError.BadDeviceResponse, "The device reset the request.");

    public DeviceStream(uint streamId, int window, long maxBody, Action<uint, int> grant)
    {
        StreamId = streamId;
        _window = window;
        _maxBody = maxBody;
        _grant = grant;
        SendWindow = new SendWindow(window);
    }

    public uint StreamId { get; }

    public SendWindow SendWindow { get; }

    /// <summary>The response head, or null when the stream failed before it (see <see cref="Failure"/>).</summary>
    public Task<HttpResponseHead?> Head => _head.Task;

    /// <summary>Why the stream failed before a head arrived.</summary>
    public (RelayError Error, string Message) Failure => _failure;

    /// <summary>The response body, once the head arrived without END_STREAM.</summary>
    public InboundBodyStream? Body => _body;

    /// <summary>Whether the device sent its last frame on this stream.</summary>
    public bool Ended { get; private set; }

    /// <summary>Whether the response head switched protocols: the body is then the device's half of a tunnel.</summary>
    public bool Upgraded { get; private set; }

    /// <summary>Whether the response body ran over the body limit (the caller resets the stream).</summary>
    public bool TooLarge { get; private set; }

    /// <summary>Handles the response head. Throws <see cref="ProtocolException"/> on a second head.</summary>
    public void OnHead(HttpResponseHead head, bool endStream, bool upgraded)
    {
        if (_head.Task.IsCompleted)
        {
            throw new ProtocolException(ProtocolErrorCode.UnexpectedFrame, $"Second response head on stream {StreamId}.");
        }

        Upgraded = upgraded;
        if (endStream)
        {
            Ended = true;
        }
        else
        {
            var streamId = StreamId;
            var grant = _grant;
            _body = new InboundBodyStream(_window, consumed => grant(streamId, consumed));
        }

        _head.TrySetResult(head);
    }

    /// <summary>Appends body bytes. Returns false when the body ran over the limit (the caller resets the stream).</summary>
    public bool OnData(in ReadOnlySequence<byte> content, bool endStream)
    {
        if (_body is null)
        {
            throw new ProtocolException(
                ProtocolErrorCode.UnexpectedFrame,
                _head.Task.IsCompleted ? $"Data after the end of stream {StreamId}." : $"Data before the response head on stream {StreamId}.");
        }

        _received += content.Length;
        if (!Upgraded && _received > _maxBody)
        {
            TooLarge = true;
            Ended = true;
            _body.Fail(new BodyTooLargeException(_maxBody));
            return false;
        }

        if (!_body.Append(content))
        {
            throw new ProtocolException(ProtocolErrorCode.FlowControlViolation, $"The device overran the window of stream {StreamId}.");
        }

        if (endStream)
        {
            Ended = true;
            _body.Complete();
        }

        return true;
    }

    /// <summary>Ends the stream with an error: before the head, the relay answers <paramref name="error"/>; after it, the body read fails.</summary>
    public void Fail(RelayError error, string message)
    {
        if (!_head.Task.IsCompleted)
        {
            _failure = (error, message);
            _head.TrySetResult(null);
            return;
        }

        Ended = true;
        _body?.Fail(new IOException(message));
    }
}
