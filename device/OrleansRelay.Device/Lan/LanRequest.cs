using OrleansRelay.Wire;

namespace OrleansRelay.Device.Lan;

/// <summary>One HTTP/1.1 request read from a LAN connection: its head (framing headers removed) and its buffered body.</summary>
internal sealed record LanRequest(HttpRequestHead Head, byte[]? Body, bool KeepAlive)
{
    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    /// <summary>The target's path, without the query: what a write invalidates in the cloud cache.</summary>
    public string Path => Head.Target.Split('?', 2)[0];

    public bool IsWrite => WriteMethods.Contains(Head.Method, StringComparer.OrdinalIgnoreCase);

    public bool IsHead => Head.Method.Equals("HEAD", StringComparison.OrdinalIgnoreCase);
}
