using OrleansRelay.Wire;

namespace OrleansRelay.Silo.Fleet;

/// <summary>How a search prefix matches: device ids exactly (ordinal), names case-insensitively.</summary>
internal static class FleetPrefix
{
    /// <summary>Whether <paramref name="prefix"/> could start a device id (only id characters).</summary>
    public static bool CanStartId(string prefix) => prefix.Length <= DeviceIds.MaxLength && DeviceIds.IsValid(prefix);

    public static bool Matches(string prefix, string deviceId, string? name) =>
        deviceId.StartsWith(prefix, StringComparison.Ordinal) || (name?.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ?? false);
}
