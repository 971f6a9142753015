using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Fuzz;

/// <summary>Decodes a frame's payload the way its receiver does, for every frame type of protocol version 1.</summary>
public static class PayloadDecoder
{
    /// <summary>Decodes <paramref name="frame"/>'s payload.</summary>
    /// <exception cref="ProtocolException">The payload does not have its type's layout.</exception>
    public static void Decode(Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.Challenge:
                ChallengeMessage.Parse(frame.Payload);
                break;
            case FrameType.Hello:
                var hello = HandshakeJson.Parse(frame.Payload, WireJsonContext.Default.HelloMessage);
                _ = DeviceIds.IsValid(hello.DeviceId);
                break;
            case FrameType.Accept:
                HandshakeJson.Parse(frame.Payload, WireJsonContext.Default.AcceptMessage);
                break;
            case FrameType.Reject or FrameType.GoAway:
                HandshakeJson.Parse(frame.Payload, WireJsonContext.Default.CloseMessage);
                break;
            case FrameType.Ping or FrameType.Pong:
                break;
            case FrameType.RequestHead:
                HttpHeadTarget.CheckRequest(StreamFrame.Parse(frame.Payload).Content);
                break;
            case FrameType.ResponseHead:
                HttpHeadTarget.CheckResponse(StreamFrame.Parse(frame.Payload).Content);
                break;
            case FrameType.Data:
                StreamFrame.Parse(frame.Payload);
                break;
            case FrameType.Reset or FrameType.WindowUpdate:
                StreamControl.Parse(frame.Payload);
                break;
            case FrameType.CacheInvalidate:
                var invalidate = CacheInvalidateMessage.Parse(frame.Payload);
                FrameTarget.Check(invalidate.Validate() is null, "a parsed cache invalidation does not validate");
                break;
            case FrameType.Notification:
                var notification = NotificationMessage.Parse(frame.Payload);
                FrameTarget.Check(NotificationMessage.Validate(notification.Text) is null, "a parsed notification does not validate");
                break;
            case FrameType.NotificationAck:
                NotificationMessage.ParseAck(frame.Payload);
                break;
            default:
                throw new FuzzInvariantException($"the reader returned unknown frame type {frame.Type}");
        }
    }
}
