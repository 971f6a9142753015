namespace OrleansRelay.Contracts.Model.Accounts;

/// <summary>Outcome of a sign-in attempt.</summary>
/// <param name="Succeeded">Whether the password matched a confirmed account.</param>
/// <param name="Generation">The account's token generation to put in the token.</param>
/// <param name="RetryAfter">Set when the account is throttled: how long until the next attempt is considered.</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.SignInResult")]
public sealed record SignInResult(
    [property: Id(0)] bool Succeeded,
    [property: Id(1)] long Generation,
    [property: Id(2)] TimeSpan? RetryAfter);
