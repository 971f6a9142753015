using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansRelay.Device;

/// <summary>The JSON error body the daemon writes itself, shaped like the relay's: <c>{"error":502,"message":"…"}</c>.</summary>
internal sealed record ErrorBody(
    [property: JsonPropertyName("error")] int Error,
    [property: JsonPropertyName("message")] string Message)
{
    public static string Json(int status, string message) =>
        JsonSerializer.Serialize(new ErrorBody(status, message), DeviceJsonContext.Default.ErrorBody);
}
