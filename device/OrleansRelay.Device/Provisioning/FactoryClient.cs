using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansRelay.Device.Provisioning;

/// <summary>
/// The factory station's side of provisioning (the thesis's <c>apiFactoryConnect</c>): registers a new device at the
/// relay's factory endpoint, with the factory key, and receives its secret, once.
/// </summary>
public static class FactoryClient
{
    /// <summary>Header carrying the factory key.</summary>
    public const string KeyHeader = "X-Factory-Key";

    /// <summary>The factory endpoint, relative to the edge's base URL.</summary>
    public const string Path = "/v1/factory/devices";

    /// <exception cref="FactoryProvisioningException">The relay refused (wrong key, device exists, bad id) or cannot be reached.</exception>
    public static async Task<DeviceIdentity> RegisterAsync(HttpClient http, Uri edge, string factoryKey, string deviceId, string? name, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(edge, Path))
        {
            Content = JsonContent.Create(new FactoryRegistration(deviceId, name), DeviceJsonContext.Default.FactoryRegistration),
        };
        request.Headers.Add(KeyHeader, factoryKey);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new FactoryProvisioningException($"Cannot reach the relay at {edge}: {ex.Message}", null, ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new FactoryProvisioningException($"The relay refused to register {deviceId}: {(int)response.StatusCode} {response.ReasonPhrase}: {text}", response.StatusCode);
            }

            try
            {
                return JsonSerializer.Deserialize(text, DeviceJsonContext.Default.DeviceIdentity)
                    ?? throw new JsonException("empty body");
            }
            catch (JsonException ex)
            {
                throw new FactoryProvisioningException($"The relay's answer is not a registration: {ex.Message}", response.StatusCode, ex);
            }
        }
    }
}

/// <summary>Body of the factory registration.</summary>
internal sealed record FactoryRegistration(
    [property: JsonPropertyName("deviceId")] string DeviceId,
    [property: JsonPropertyName("name")] string? Name);
