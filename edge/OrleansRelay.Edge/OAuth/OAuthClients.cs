using System.Security.Cryptography;
using System.Text;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.OAuth;

namespace OrleansRelay.Edge.OAuth;

/// <summary>Looks up registered clients and checks what they present: redirect URIs, secrets.</summary>
internal sealed class OAuthClients
{
    private readonly IGrainFactory _grains;

    public OAuthClients(IGrainFactory grains)
    {
        _grains = grains;
    }

    /// <summary>The registered client <paramref name="clientId"/>, or null.</summary>
    public async Task<OAuthClient?> FindAsync(string? clientId) =>
        string.IsNullOrEmpty(clientId) || clientId.Length > 128 ? null : await _grains.GetGrain<IOAuthClientGrain>(clientId).Get();

    /// <summary>Why an authorization request of <paramref name="client"/> to <paramref name="redirectUri"/> is refused, or null when it may proceed.</summary>
    public static string? RedirectProblem(OAuthClient? client, string? redirectUri) => client switch
    {
        null => "The client_id is not registered.",
        _ when string.IsNullOrEmpty(redirectUri) => "The redirect_uri is required.",
        _ when !client.RedirectUris.Contains(redirectUri, StringComparer.Ordinal) => "The redirect_uri is not registered for this client.",
        _ => null,
    };

    /// <summary>
    /// Whether <paramref name="clientId"/> authenticates as it must: a confidential client with its secret, a public
    /// client with none. Null when it does; else the reason.
    /// </summary>
    public async Task<string?> AuthenticationProblemAsync(string? clientId, string? secret)
    {
        var client = await FindAsync(clientId);
        if (client is null)
        {
            return "The client_id is not registered.";
        }

        if (!client.Confidential)
        {
            return string.IsNullOrEmpty(secret) ? null : "A public client must not send a client_secret.";
        }

        return !string.IsNullOrEmpty(secret) && await _grains.GetGrain<IOAuthClientGrain>(client.ClientId).VerifySecret(HashSecret(secret))
            ? null
            : "The client_secret is missing or wrong.";
    }

    /// <summary>SHA-256 of a client secret, the only form in which it is stored.</summary>
    public static byte[] HashSecret(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
