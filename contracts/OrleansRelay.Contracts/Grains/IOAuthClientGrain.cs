using Orleans.Concurrency;
using OrleansRelay.Contracts.Model.OAuth;

namespace OrleansRelay.Contracts.Grains;

/// <summary>One registered OAuth client (keyed by its client id). Only a hash of a confidential client's secret is kept.</summary>
[Alias("OrleansRelay.IOAuthClientGrain")]
public interface IOAuthClientGrain : IGrainWithStringKey
{
    /// <summary>Registers the client; false when the id is already taken.</summary>
    [Alias("Register")]
    ValueTask<bool> Register(OAuthClient client, byte[]? secretHash);

    /// <summary>The client, or null when it is not (or no longer) registered.</summary>
    [Alias("Get")]
    [AlwaysInterleave]
    ValueTask<OAuthClient?> Get();

    /// <summary>Whether <paramref name="secretHash"/> (SHA-256 of the presented secret) is this confidential client's.</summary>
    [Alias("VerifySecret")]
    [AlwaysInterleave]
    ValueTask<bool> VerifySecret(byte[] secretHash);

    /// <summary>Removes the client; every grant made to it stops working. False when it was not registered.</summary>
    [Alias("Delete")]
    ValueTask<bool> Delete();
}
