using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>The edge's operator API, through a client that carries the admin key.</summary>
internal static class OperatorApi
{
    /// <summary>Provisions a device and returns its secret.</summary>
    public static async Task<string> ProvisionAsync(HttpClient client, string deviceId)
    {
        using var response = await client.PostAsJsonAsync("/v1/admin/devices", new { deviceId, name = deviceId }, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("secret").GetString()!;
    }

    /// <summary>Rotates a device's secret (its session is closed) and returns the new one.</summary>
    public static async Task<string> RotateSecretAsync(HttpClient client, string deviceId)
    {
        using var response = await client.PostAsync($"/v1/admin/devices/{deviceId}/secret", null, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("secret").GetString()!;
    }

    public static async Task<JsonElement> StatusAsync(HttpClient client, string deviceId)
    {
        using var response = await client.GetAsync($"/v1/admin/devices/{deviceId}", TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.Clone();
    }
}
