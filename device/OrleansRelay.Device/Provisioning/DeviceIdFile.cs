using OrleansRelay.Wire;

namespace OrleansRelay.Device.Provisioning;

/// <summary>
/// Reads a device id from a file such as a flash chip's unique id under <c>/sys</c> (e.g.
/// <c>/sys/firmware/devicetree/base/serial-number</c>): surrounding whitespace and NUL terminators are dropped.
/// </summary>
public static class DeviceIdFile
{
    /// <exception cref="InvalidDataException">The content is not a valid device id.</exception>
    public static string Read(string path)
    {
        var id = File.ReadAllText(path).Trim().Trim('\0').Trim();
        return DeviceIds.IsValid(id)
            ? id
            : throw new InvalidDataException($"{path} does not hold a valid device id (1–{DeviceIds.MaxLength} of A–Z a–z 0–9 . _ : -).");
    }
}
