using System.Text.Json;

namespace OrleansRelay.Device;

/// <summary>The JSON error body the daemon writes itself, shaped like the relay's: <c>{"error":502,"message":"…"}</c>.</summary>
internal static class ErrorBody
{
    public static string Json(int status, string message) =>
        $"{{\"error\":{status},\"message\":{JsonSerializer.Serialize(message, DeviceJsonContext.Default.String)}}}";
}
