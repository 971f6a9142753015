using System.Security.Cryptography;
using System.Text;

namespace OrleansRelay.Wire;

/// <summary>
/// Device authentication by proof of a shared secret over a server nonce, in the manner of SCRAM (RFC 5802), so the
/// server stores only <c>StoredKey</c> and a stolen copy of it does not let anyone pose as the device:
/// <code>
/// ClientKey       = HMAC-SHA256(key: UTF8(secret), "OrleansRelay device key")
/// StoredKey       = SHA256(ClientKey)                       (what the relay stores)
/// AuthMessage     = "OrleansRelay/1" || 0x00 || nonce || UTF8(deviceId)
/// ClientSignature = HMAC-SHA256(key: StoredKey, AuthMessage)
/// Proof           = ClientKey XOR ClientSignature           (sent in the hello)
/// </code>
/// The server recomputes ClientSignature, recovers ClientKey = Proof XOR ClientSignature and accepts when
/// SHA256(ClientKey) equals StoredKey. The nonce is fresh per connection, so a recorded proof cannot be replayed.
/// </summary>
public static class DeviceAuthentication
{
    private const int SecretBytes = 32;
    private static readonly byte[] ClientKeyLabel = "OrleansRelay device key"u8.ToArray();
    private static readonly byte[] AuthPrefix = "OrleansRelay/1\0"u8.ToArray();

    /// <summary>A new random secret: 32 bytes, base64url without padding (43 characters).</summary>
    public static string GenerateSecret() => Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>A new random challenge nonce.</summary>
    public static byte[] GenerateNonce() => RandomNumberGenerator.GetBytes(ProtocolLimits.NonceSize);

    /// <summary>The value the relay stores for <paramref name="secret"/>.</summary>
    public static byte[] ComputeStoredKey(string secret) => SHA256.HashData(ComputeClientKey(secret));

    /// <summary>The device's proof for a challenge.</summary>
    public static byte[] CreateProof(string secret, ReadOnlySpan<byte> nonce, string deviceId)
    {
        var clientKey = ComputeClientKey(secret);
        var signature = Sign(SHA256.HashData(clientKey), nonce, deviceId);
        for (var i = 0; i < clientKey.Length; i++)
        {
            clientKey[i] ^= signature[i];
        }

        return clientKey;
    }

    /// <summary>Checks a proof against the stored key in constant time.</summary>
    public static bool VerifyProof(ReadOnlySpan<byte> storedKey, ReadOnlySpan<byte> nonce, string deviceId, ReadOnlySpan<byte> proof)
    {
        if (proof.Length != SHA256.HashSizeInBytes || storedKey.Length != SHA256.HashSizeInBytes)
        {
            return false;
        }

        var signature = Sign(storedKey, nonce, deviceId);
        Span<byte> clientKey = stackalloc byte[SHA256.HashSizeInBytes];
        for (var i = 0; i < clientKey.Length; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ signature[i]);
        }

        Span<byte> candidate = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(clientKey, candidate);
        return CryptographicOperations.FixedTimeEquals(candidate, storedKey);
    }

    private static byte[] ComputeClientKey(string secret) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), ClientKeyLabel);

    private static byte[] Sign(ReadOnlySpan<byte> storedKey, ReadOnlySpan<byte> nonce, string deviceId)
    {
        var idBytes = Encoding.UTF8.GetBytes(deviceId);
        var message = new byte[AuthPrefix.Length + nonce.Length + idBytes.Length];
        AuthPrefix.CopyTo(message, 0);
        nonce.CopyTo(message.AsSpan(AuthPrefix.Length));
        idBytes.CopyTo(message, AuthPrefix.Length + nonce.Length);
        return HMACSHA256.HashData(storedKey, message);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
