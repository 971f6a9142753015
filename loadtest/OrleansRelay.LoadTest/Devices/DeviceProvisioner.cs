using System.Net;
using System.Net.Http.Json;

namespace OrleansRelay.LoadTest.Devices;

/// <summary>
/// Provisions the fleet through the edge's operator API (<c>POST /v1/admin/devices</c> with <c>X-Admin-Key</c>),
/// many requests in flight at once; a device that already exists gets a new secret
/// (<c>POST /v1/admin/devices/{id}/secret</c>).
/// </summary>
internal sealed class DeviceProvisioner
{
    private const int Parallelism = 64;

    private readonly HttpClient _http;

    public DeviceProvisioner(HttpClient http)
    {
        _http = http;
    }

    public async Task<DeviceCredentials[]> ProvisionAsync(IReadOnlyList<DeviceProfile> profiles, Action<int> onProvisioned, CancellationToken cancellationToken)
    {
        var results = new DeviceCredentials[profiles.Count];
        var done = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, profiles.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                results[i] = new DeviceCredentials(profiles[i], await ProvisionOneAsync(profiles[i], token));
                onProvisioned(Interlocked.Increment(ref done));
            });
        return results;
    }

    private async Task<string> ProvisionOneAsync(DeviceProfile profile, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await _http.PostAsJsonAsync("/v1/admin/devices", new ProvisionRequest(profile.DeviceId, profile.Name), ProvisioningJsonContext.Default.ProvisionRequest, cancellationToken);
            HttpResponseMessage answer = response;
            using var rotated = response.StatusCode == HttpStatusCode.Conflict
                ? await _http.PostAsync(new Uri($"/v1/admin/devices/{profile.DeviceId}/secret", UriKind.Relative), null, cancellationToken)
                : null;
            answer = rotated ?? answer;
            if (answer.IsSuccessStatusCode)
            {
                var provisioned = await answer.Content.ReadFromJsonAsync(ProvisioningJsonContext.Default.ProvisionedDevice, cancellationToken);
                return provisioned!.Secret;
            }

            if (attempt >= 5 || (int)answer.StatusCode < 500)
            {
                throw new InvalidOperationException($"Provisioning {profile.DeviceId} failed: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(cancellationToken)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
        }
    }
}
