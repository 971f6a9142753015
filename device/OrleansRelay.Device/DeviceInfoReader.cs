using System.Text.Json;
using OrleansRelay.Wire;

namespace OrleansRelay.Device;

/// <summary>Reads the device info document (<c>GET /device</c>) through whichever handler answers the device's API.</summary>
internal static class DeviceInfoReader
{
    public static async Task<JsonElement> ReadAsync(IHttpRequestHandler handler, string path, CancellationToken cancellationToken)
    {
        using var response = await handler.SendAsync(new HttpRequestHead("GET", path, [new("Accept", "application/json")]), null, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        return document.RootElement.Clone();
    }
}
