using System.Security.Cryptography;
using System.Text;

namespace OrleansRelay.Edge.Http;

/// <summary>A configured key compared in constant time (by hash, so lengths leak nothing either). An unset key matches nothing.</summary>
internal sealed class SharedKey
{
    private readonly byte[]? _expectedHash;

    public SharedKey(string? key)
    {
        _expectedHash = string.IsNullOrEmpty(key) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    public bool IsConfigured => _expectedHash is not null;

    public bool Matches(string presented) =>
        _expectedHash is not null && presented.Length > 0 &&
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _expectedHash);
}
