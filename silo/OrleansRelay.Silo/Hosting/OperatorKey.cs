using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace OrleansRelay.Silo.Hosting;

/// <summary>
/// The operator's secret key and how requests present it: <c>X-Admin-Key</c>, <c>Authorization: Bearer</c> (metric
/// scrapers) or <c>Authorization: Basic</c> with the key as password (browsers, for the silo dashboard). Compared in
/// constant time against a hash, so the key's length and content do not leak through timing. An unset key matches
/// nothing.
/// </summary>
public sealed class OperatorKey
{
    /// <summary>The header that carries the key.</summary>
    public const string HeaderName = "X-Admin-Key";

    private readonly byte[]? _expectedHash;

    public OperatorKey(string? key)
    {
        _expectedHash = string.IsNullOrEmpty(key) ? null : Hash(key);
    }

    /// <summary>Whether a key is set at all.</summary>
    public bool IsConfigured => _expectedHash is not null;

    /// <summary>The key a request presents, or an empty string.</summary>
    public static string Presented(string? adminKeyHeader, string? authorization)
    {
        if (!string.IsNullOrEmpty(adminKeyHeader))
        {
            return adminKeyHeader;
        }

        if (authorization is null)
        {
            return string.Empty;
        }

        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
                var colon = credentials.IndexOf(':', StringComparison.Ordinal);
                return colon >= 0 ? credentials[(colon + 1)..] : string.Empty;
            }
            catch (FormatException)
            {
                return string.Empty;
            }
        }

        return string.Empty;
    }

    /// <summary>Whether <paramref name="presented"/> is the key.</summary>
    public bool Matches(string presented)
    {
        if (_expectedHash is null || presented.Length == 0)
        {
            return false;
        }

        // Hashed without allocating: this runs for every request that presents a key.
        var length = Encoding.UTF8.GetMaxByteCount(presented.Length);
        byte[]? rented = null;
        var bytes = length <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(presented, bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..written], hash);
            return CryptographicOperations.FixedTimeEquals(hash, _expectedHash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
