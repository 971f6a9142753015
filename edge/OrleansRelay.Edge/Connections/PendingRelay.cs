using System.Buffers;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Connections;

/// <summary>
/// One relayed request in flight on a device connection: its request-body send window and the response being
/// assembled from the device's frames. Touched only by the connection's read loop, except for completion.
/// </summary>
internal sealed class PendingRelay
{
    private const int InitialCapacityLimit = 1024 * 1024;

    private readonly long _maxBody;
    private readonly TaskCompletionSource<RelayResponse> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HttpResponseHead? _head;
    private MemoryStream? _body;

    public PendingRelay(uint streamId, int window, long maxBody)
    {
        StreamId = streamId;
        SendWindow = new SendWindow(window);
        _maxBody = maxBody;
    }

    public uint StreamId { get; }

    public SendWindow SendWindow { get; }

    public Task<RelayResponse> Completion => _completion.Task;

    public bool IsCompleted => _completion.Task.IsCompleted;

    /// <summary>Handles the response head. Throws <see cref="ProtocolException"/> on a second head.</summary>
    public void OnHead(HttpResponseHead head, bool endStream)
    {
        if (_head is not null)
        {
            throw new ProtocolException(ProtocolErrorCode.UnexpectedFrame, $"Second response head on stream {StreamId}.");
        }

        _head = head;
        var capacity = 0;
        foreach (var (name, value) in head.Headers)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && long.TryParse(value, out var length) && length <= _maxBody)
            {
                // A hint, not a promise: never pre-allocate more than InitialCapacityLimit on a device's word.
                capacity = (int)Math.Min(length, InitialCapacityLimit);
            }
        }

        _body = new MemoryStream(capacity);
        if (endStream)
        {
            Finish();
        }
    }

    /// <summary>Appends body bytes. Returns false when the body exceeds the limit (the caller resets the stream).</summary>
    public bool OnData(in ReadOnlySequence<byte> content, bool endStream)
    {
        if (_head is null || _body is null)
        {
            throw new ProtocolException(ProtocolErrorCode.UnexpectedFrame, $"Data before the response head on stream {StreamId}.");
        }

        if (_body.Length + content.Length > _maxBody)
        {
            Fail(RelayError.ResponseTooLarge, $"The device's response exceeds the body limit of {_maxBody} bytes.");
            return false;
        }

        foreach (var segment in content)
        {
            _body.Write(segment.Span);
        }

        if (endStream)
        {
            Finish();
        }

        return true;
    }

    public void Fail(RelayError error, string message) =>
        _completion.TrySetResult(RelayResponse.Failure(error, message));

    private void Finish()
    {
        var head = _head!;
        var body = _body!;
        var bytes = body.TryGetBuffer(out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : body.ToArray();
        _completion.TrySetResult(new RelayResponse(head.Status, head.Reason, [.. head.Headers], bytes, RelayError.None, null));
    }
}
