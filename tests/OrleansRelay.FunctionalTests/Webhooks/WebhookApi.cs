using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansRelay.FunctionalTests.Webhooks;

/// <summary>The webhook API as a client uses it.</summary>
internal static class WebhookApi
{
    public static async Task<(string Id, string Secret)> RegisterAsync(HttpClient client, string path, Uri url, params string[] events)
    {
        using var response = await client.PostAsJsonAsync(path, new { url = url.ToString(), events }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"registration answered {(int)response.StatusCode}: {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return (json.GetProperty("id").GetString()!, json.GetProperty("secret").GetString()!);
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
