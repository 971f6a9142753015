namespace OrleansRelay.Edge.Relaying;

/// <summary>
/// The outcome of a relayed request: the device's response when <see cref="Error"/> is <see cref="RelayError.None"/>,
/// otherwise why there is none. The body is either in memory (<see cref="Body"/>) or still streaming from the device
/// (<see cref="BodyStream"/>: whoever takes the response reads it once and disposes it; disposing before the end
/// cancels the device's stream).
/// </summary>
internal sealed record RelayResponse(
    int Status,
    string Reason,
    KeyValuePair<string, string>[] Headers,
    byte[] Body,
    RelayError Error,
    string? ErrorMessage)
{
    /// <summary>The body still arriving from the device, when it was not buffered.</summary>
    public Stream? BodyStream { get; init; }

    /// <summary>Whether the response switched protocols (101 to an upgrade request): <see cref="BodyStream"/> is then the device's half of the tunnel.</summary>
    public bool Upgraded { get; init; }

    /// <summary>A relay failure with no device response.</summary>
    public static RelayResponse Failure(RelayError error, string message) =>
        new(0, string.Empty, [], [], error, message);
}
