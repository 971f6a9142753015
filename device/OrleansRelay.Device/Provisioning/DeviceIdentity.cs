using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansRelay.Wire;

namespace OrleansRelay.Device.Provisioning;

/// <summary>
/// The identity file written at the factory: <c>{"deviceId":"…","secret":"…"}</c>, mode 0600. The daemon reads it at
/// start; the secret only ever feeds the handshake proof and never crosses the wire again.
/// </summary>
public sealed record DeviceIdentity(
    [property: JsonPropertyName("deviceId")] string DeviceId,
    [property: JsonPropertyName("secret")] string Secret)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Reads an identity file.</summary>
    /// <exception cref="InvalidDataException">The file is not an identity file.</exception>
    public static DeviceIdentity Load(string path)
    {
        DeviceIdentity? identity;
        try
        {
            identity = JsonSerializer.Deserialize(File.ReadAllText(path), DeviceJsonContext.Default.DeviceIdentity);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not an identity file ({{\"deviceId\":…,\"secret\":…}}): {ex.Message}", ex);
        }

        if (identity is null || !DeviceIds.IsValid(identity.DeviceId) || string.IsNullOrWhiteSpace(identity.Secret))
        {
            throw new InvalidDataException($"{path} lacks a valid deviceId or secret.");
        }

        return identity;
    }

    /// <summary>Whether group or others may read the file (the daemon warns).</summary>
    public static bool IsExposed(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~(OwnerOnly | UnixFileMode.UserExecute)) != 0;

    /// <summary>
    /// Writes the identity to <paramref name="path"/>, created 0600 from the first byte (a temporary file in the same
    /// directory, then an atomic rename), so the secret is never readable by others, not even briefly.
    /// </summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            await using (var file = new FileStream(temporary, options))
            {
                await JsonSerializer.SerializeAsync(file, this, DeviceJsonContext.Default.DeviceIdentity, cancellationToken);
                await file.FlushAsync(cancellationToken);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
