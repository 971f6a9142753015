using System.Buffers;
using OrleansRelay.Wire;

namespace OrleansRelay.Fuzz;

/// <summary>
/// Fuzz target for the HTTP/1.1 head parser and serializer. Any input parses as a request head, a response head, or
/// fails with <see cref="ProtocolException"/>; what parses must serialize again and parse to the same head (so the
/// parser accepts nothing the serializer would not write, and nothing can change meaning on the way through).
/// </summary>
public static class HttpHeadTarget
{
    /// <summary>Runs one input.</summary>
    public static void Run(ReadOnlySpan<byte> data)
    {
        var bytes = FuzzInput.ToSequence(data);
        CheckRequest(bytes);
        CheckResponse(bytes);
    }

    /// <summary>Parses a request head; when it parses, checks the round trip.</summary>
    public static void CheckRequest(in ReadOnlySequence<byte> bytes)
    {
        HttpRequestHead head;
        try
        {
            head = HttpHeadSerializer.ParseRequest(bytes);
        }
        catch (ProtocolException)
        {
            return;
        }

        FrameTarget.Check(HttpSyntax.IsTarget(head.Target), "a parsed request target is not origin-form");
        var written = HttpHeadSerializer.WriteRequest(head);
        var again = HttpHeadSerializer.ParseRequest(new ReadOnlySequence<byte>(written));
        FrameTarget.Check(
            again.Method == head.Method && again.Target == head.Target && again.Headers.SequenceEqual(head.Headers),
            "a request head changed in a round trip");
    }

    /// <summary>Parses a response head; when it parses, checks the round trip.</summary>
    public static void CheckResponse(in ReadOnlySequence<byte> bytes)
    {
        HttpResponseHead head;
        try
        {
            head = HttpHeadSerializer.ParseResponse(bytes);
        }
        catch (ProtocolException)
        {
            return;
        }

        var written = HttpHeadSerializer.WriteResponse(head);
        var again = HttpHeadSerializer.ParseResponse(new ReadOnlySequence<byte>(written));
        FrameTarget.Check(
            again.Status == head.Status && again.Reason == head.Reason && again.Headers.SequenceEqual(head.Headers),
            "a response head changed in a round trip");
    }
}
