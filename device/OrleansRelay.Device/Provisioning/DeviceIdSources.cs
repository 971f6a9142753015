namespace OrleansRelay.Device.Provisioning;

/// <summary>Where the device id comes from: the command line, else a file such as a flash chip's id under /sys.</summary>
public static class DeviceIdSources
{
    /// <exception cref="ArgumentException">Neither is given, or the given id is invalid.</exception>
    /// <exception cref="InvalidDataException">The file does not hold a valid id.</exception>
    public static string Resolve(string? deviceId, FileInfo? deviceIdFile)
    {
        if (!string.IsNullOrWhiteSpace(deviceId))
        {
            return Wire.DeviceIds.IsValid(deviceId.Trim())
                ? deviceId.Trim()
                : throw new ArgumentException($"--device-id '{deviceId}' is not a valid device id.", nameof(deviceId));
        }

        return deviceIdFile is not null
            ? DeviceIdFile.Read(deviceIdFile.FullName)
            : throw new ArgumentException("No device id: give --device-id, --device-id-file or --identity-file.", nameof(deviceId));
    }
}
