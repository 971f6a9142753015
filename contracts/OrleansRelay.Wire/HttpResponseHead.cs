namespace OrleansRelay.Wire;

/// <summary>An HTTP/1.1 status line and headers, as carried in a <see cref="FrameType.ResponseHead"/> frame.</summary>
/// <param name="Status">The three-digit status code.</param>
/// <param name="Reason">The reason phrase (may be empty).</param>
/// <param name="Headers">Header fields in order; names may repeat.</param>
public sealed record HttpResponseHead(int Status, string Reason, IReadOnlyList<KeyValuePair<string, string>> Headers);
