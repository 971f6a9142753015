namespace OrleansRelay.Contracts.Model;

/// <summary>
/// The outcome of a relayed request: the device's response when <see cref="Error"/> is <see cref="RelayError.None"/>,
/// otherwise why there is none.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.RelayResponse")]
public sealed record RelayResponse(
    [property: Id(0)] int Status,
    [property: Id(1)] string Reason,
    [property: Id(2)] KeyValuePair<string, string>[] Headers,
    [property: Id(3)] byte[] Body,
    [property: Id(4)] RelayError Error,
    [property: Id(5)] string? ErrorMessage)
{
    /// <summary>A relay failure with no device response.</summary>
    public static RelayResponse Failure(RelayError error, string message) =>
        new(0, string.Empty, [], [], error, message);
}
