using OrleansRelay.Contracts.Model.OAuth;

namespace OrleansRelay.Silo.OAuth;

/// <summary>The persisted registration of one OAuth client.</summary>
[GenerateSerializer, Alias("OrleansRelay.OAuthClientState")]
public sealed class OAuthClientState
{
    /// <summary>The registration; null when not registered (or deleted).</summary>
    [Id(0)]
    public OAuthClient? Client { get; set; }

    /// <summary>SHA-256 of a confidential client's secret (the secret is random and 256 bits long, so a fast hash suffices).</summary>
    [Id(1)]
    public byte[]? SecretHash { get; set; }
}
