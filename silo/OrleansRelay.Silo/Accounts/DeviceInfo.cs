using System.Text.Json;

namespace OrleansRelay.Silo.Accounts;

/// <summary>The fields of a device's <c>GET /device</c> document the relay acts on.</summary>
internal sealed record DeviceInfo(string? Email, string? ApiAuthPath, string? Name)
{
    public static DeviceInfo Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new DeviceInfo(null, null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new DeviceInfo(null, null, null);
            }

            return new DeviceInfo(Text(document.RootElement, "email"), Text(document.RootElement, "apiAuthPath"), Text(document.RootElement, "name"));
        }
        catch (JsonException)
        {
            return new DeviceInfo(null, null, null);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
