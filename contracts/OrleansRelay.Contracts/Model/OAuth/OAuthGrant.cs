namespace OrleansRelay.Contracts.Model.OAuth;

/// <summary>
/// A user's consent for one client to reach chosen devices: the root of every code and token issued for it.
/// </summary>
/// <param name="ClientId">The client the user consented to.</param>
/// <param name="Email">The user's normalized address.</param>
/// <param name="Devices">The devices the user chose (each bound to the user when consented).</param>
/// <param name="AccountGeneration">The account's token generation at consent: a password change revokes the grant.</param>
/// <param name="CodeId">The one authorization code issued for the consent; it can be redeemed once.</param>
/// <param name="CodeExpires">Until when that code can be redeemed.</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.OAuthGrant")]
public sealed record OAuthGrant(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string Email,
    [property: Id(2)] string[] Devices,
    [property: Id(3)] long AccountGeneration,
    [property: Id(4)] string CodeId,
    [property: Id(5)] DateTimeOffset CodeExpires)
{
    /// <summary>When the user gave the consent (shown in the user's list of integrations).</summary>
    [Id(6)]
    public DateTimeOffset GrantedAt { get; init; }
}
