namespace OrleansRelay.Wire;

/// <summary>The syntax of device ids: 1–128 characters of <c>A–Z a–z 0–9 . _ : -</c>.</summary>
public static class DeviceIds
{
    /// <summary>Longest device id.</summary>
    public const int MaxLength = 128;

    /// <summary>Whether <paramref name="deviceId"/> is a well-formed device id.</summary>
    public static bool IsValid(string? deviceId)
    {
        if (string.IsNullOrEmpty(deviceId) || deviceId.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in deviceId)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
