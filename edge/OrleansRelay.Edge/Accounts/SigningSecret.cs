using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansRelay.Edge.Hosting;

namespace OrleansRelay.Edge.Accounts;

/// <summary>
/// The secret every edge shares for the tokens it issues (<c>Auth:SigningKey</c>, else the operator key), and the keys
/// derived from it with HKDF: one per purpose, so no key is ever the operator key itself or used for two jobs.
/// </summary>
internal sealed class SigningSecret
{
    private readonly byte[] _secret;

    public SigningSecret(IOptions<AuthOptions> auth, IOptions<EdgeOptions> edge)
    {
        var secret = auth.Value.SigningKey is { Length: > 0 } configured ? configured : edge.Value.AdminKey
            ?? throw new InvalidOperationException("Neither Auth:SigningKey nor Edge:AdminKey is set: tokens cannot be signed.");
        _secret = Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>A 256-bit key for <paramref name="purpose"/> (the HKDF info; changing it invalidates every token of that kind).</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _secret, 32, info: Encoding.UTF8.GetBytes(purpose));
}
