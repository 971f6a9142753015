using System.Text.Json;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Accounts;

/// <summary>The edge serves an OpenAPI document naming the client API.</summary>
[Collection(AccountCollection.Name)]
public sealed class OpenApiTests(AccountFixture fixture)
{
    [Fact]
    public async Task OpenApiDocument_ListsTheClientApi()
    {
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).RootElement;
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var expected in new[] { "/v1/auth", "/v1/devices/list", "/v1/confirmation", "/v1/devices/{deviceId}/auth", "/v1/devices/{deviceId}/events", "/v1/oauth/authorize", "/v1/oauth/authorize/validate", "/v1/oauth/token", "/v1/oauth/clients", "/v1/admin/devices", "/v1/admin/stats", "/v1/admin/metrics/relay", "/v1/admin/devices/{deviceId}/events", "/v1/devices/{deviceId}/events/recent", "/v1/devices/{deviceId}/webhooks", "/v1/devices/{deviceId}/webhooks/{webhookId}", "/v1/devices/{deviceId}/webhooks/{webhookId}/dead-letters", "/v1/webhooks", "/v1/webhooks/{webhookId}/dead-letters" })
        {
            Assert.Contains(expected, paths);
        }
    }
}
