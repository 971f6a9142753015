namespace OrleansRelay.Wire;

/// <summary>An HTTP/1.1 request line and headers, as carried in a <see cref="FrameType.RequestHead"/> frame.</summary>
/// <param name="Method">The method token, e.g. <c>GET</c>.</param>
/// <param name="Target">The origin-form target: absolute path and optional query, starting with <c>/</c>.</param>
/// <param name="Headers">Header fields in order; names may repeat.</param>
public sealed record HttpRequestHead(string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers);
