namespace OrleansRelay.Contracts.Model.Accounts;

/// <summary>What a confirmation link is worth now.</summary>
/// <param name="Valid">Whether it can still set a password.</param>
/// <param name="Email">The address it confirms (null when unknown).</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.ConfirmationCheck")]
public sealed record ConfirmationCheck(
    [property: Id(0)] bool Valid,
    [property: Id(1)] string? Email);
