using System.Security.Cryptography;
using System.Text;
using OrleansRelay.Edge.Accounts;

namespace OrleansRelay.Edge.DataPlane;

/// <summary>
/// The key edges present to each other on the data plane (<see cref="RelayHeaders.EdgeKey"/>): derived with HKDF from
/// the secret every edge of a deployment shares, so no key file is distributed and no edge-to-edge request is taken
/// from anyone else. It is a bearer key: keep the data-plane port on the internal network (or put it behind TLS).
/// </summary>
internal sealed class DataPlaneKey
{
    private readonly byte[] _expected;

    public DataPlaneKey(SigningSecret secret)
    {
        Value = Convert.ToBase64String(secret.DeriveKey("OrleansRelay edge data plane v1"));
        _expected = Encoding.ASCII.GetBytes(Value);
    }

    /// <summary>The header value this edge sends.</summary>
    public string Value { get; }

    /// <summary>Whether <paramref name="presented"/> is the deployment's key (constant time).</summary>
    public bool Accepts(string? presented)
    {
        if (presented is null || presented.Length != Value.Length)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[presented.Length];
        return Encoding.ASCII.GetBytes(presented, bytes) == bytes.Length && CryptographicOperations.FixedTimeEquals(bytes, _expected);
    }
}
