namespace OrleansRelay.Wire.Handshake;

/// <summary>
/// Names a device may list in <see cref="HelloMessage.Features"/>: optional protocol capabilities within protocol
/// version 1. An edge uses a feature only with devices that announced it. Part of the public protocol.
/// </summary>
public static class HelloFeatures
{
    /// <summary>
    /// The device relays HTTP/1.1 upgrades (WebSocket): it accepts request heads with <see cref="StreamFlags.Upgrade"/>
    /// and tunnels the stream's bytes once its service answers 101.
    /// </summary>
    public const string Upgrade = "upgrade";
}
