using System.Text;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Silo.Webhooks;

namespace OrleansRelay.Tests.Silo.Webhooks;

/// <summary>The delivery body and signature are exactly what docs/api.md shows and verifies.</summary>
public sealed class WebhookSigningTests
{
    private const string DocumentedSecret = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    private const string DocumentedBody =
        "{\"type\":\"device.notification\",\"timestamp\":\"2026-12-03T01:20:00.123Z\",\"data\":{\"deviceId\":\"pump-1\",\"eventId\":42,\"kind\":\"notification\",\"data\":\"{\\\"zone\\\":1,\\\"state\\\":\\\"on\\\"}\",\"at\":\"2026-12-03T01:20:00.123Z\"}}";

    [Fact]
    public void DocumentedEvent_SerializesToTheDocumentedBody_AndSignsToTheDocumentedSignature()
    {
        var at = new DateTimeOffset(2026, 12, 3, 1, 20, 0, 123, TimeSpan.Zero);
        var body = WebhookPayload.Serialize("pump-1", new DeviceEvent(42, DeviceEventKinds.Notification, "{\"zone\":1,\"state\":\"on\"}", at));

        Assert.Equal(DocumentedBody, Encoding.UTF8.GetString(body));
        Assert.Equal("pump-1/42", WebhookPayload.MessageId("pump-1", 42));
        Assert.Equal("v1,zSKMze/FLlRcuVlUk40kOkZeXqG3TQRzwTKJaLqTgX0=", WebhookSignature.Sign(DocumentedSecret, "pump-1/42", 1796260800, body));
    }

    [Fact]
    public void Signature_ChangesWithTheIdTheTimestampAndTheBody()
    {
        var body = Encoding.UTF8.GetBytes(DocumentedBody);
        var signature = WebhookSignature.Sign(DocumentedSecret, "pump-1/42", 1796260800, body);
        Assert.NotEqual(signature, WebhookSignature.Sign(DocumentedSecret, "pump-1/43", 1796260800, body));
        Assert.NotEqual(signature, WebhookSignature.Sign(DocumentedSecret, "pump-1/42", 1796260801, body));
        Assert.NotEqual(signature, WebhookSignature.Sign(DocumentedSecret, "pump-1/42", 1796260800, [.. body, (byte)' ']));
        Assert.NotEqual(signature, WebhookSignature.Sign(WebhookSignature.NewSecret(), "pump-1/42", 1796260800, body));
    }

    [Fact]
    public void NewSecret_IsWhsecAndBase64Of32RandomBytes()
    {
        var secret = WebhookSignature.NewSecret();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.NotEqual(secret, WebhookSignature.NewSecret());
    }
}
