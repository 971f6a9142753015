using System.Text.Encodings.Web;
using System.Text.Json;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Silo.Webhooks;

/// <summary>
/// The body of a delivery, in the Standard Webhooks shape
/// <c>{"type":"device.notification","timestamp":…,"data":{"deviceId","eventId","kind","data","at"}}</c>; <c>data.data</c>
/// is the event's text exactly as the SSE stream carries it (a notification's line, or presence JSON).
/// </summary>
internal static class WebhookPayload
{
    public static string MessageId(string deviceId, long eventId) => $"{deviceId}/{eventId}";

    public static byte[] Serialize(string deviceId, DeviceEvent deviceEvent)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping: a notification's own JSON stays readable (\" rather than \u0022); the body is never HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("type", "device." + deviceEvent.Kind);
            json.WriteString("timestamp", deviceEvent.At.UtcDateTime);
            json.WriteStartObject("data");
            json.WriteString("deviceId", deviceId);
            json.WriteNumber("eventId", deviceEvent.Id);
            json.WriteString("kind", deviceEvent.Kind);
            json.WriteString("data", deviceEvent.Data);
            json.WriteString("at", deviceEvent.At.UtcDateTime);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
