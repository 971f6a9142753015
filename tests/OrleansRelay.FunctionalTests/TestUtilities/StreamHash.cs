using System.Buffers;
using System.Security.Cryptography;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>SHA-256 and length of a stream, read in pooled 64 KiB pieces as it arrives (never the whole body).</summary>
internal static class StreamHash
{
    public static async Task<(long Length, string Sha256)> ComputeAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long length = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                length += read;
            }

            return (length, Convert.ToHexString(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
