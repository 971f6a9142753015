namespace OrleansRelay.Wire.Handshake;

/// <summary>Names of optional protocol features a device announces in its hello (<c>"features"</c>).</summary>
public static class HelloFeatures
{
    /// <summary>The daemon relays upgrade requests (WebSocket): RequestHead/ResponseHead with <see cref="StreamFlags.Upgrade"/>, then a tunnel.</summary>
    public const string Upgrade = "upgrade";
}
