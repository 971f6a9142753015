using System.Text.Json;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Security;

/// <summary>
/// Traversal in <c>/v1/devices/{id}/api/{**path}</c>, plain and encoded, sent on a bare socket so Kestrel sees it as
/// written: it either reaches device A's service at a path under its root, or is refused; device B's service and the
/// edge's own endpoints are never reached through device A's relay.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class PathTraversalTests(SecurityFixture fixture)
{
    [Theory]
    [InlineData("/v1/devices/sec-a/api/../../sec-b/api/secret")]
    [InlineData("/v1/devices/sec-a/api/%2e%2e/%2e%2e/sec-b/api/secret")]
    [InlineData("/v1/devices/sec-a/api/%2E%2E/%2E%2E/sec-b/api/secret")]
    [InlineData("/v1/devices/sec-a/api/.%2e/.%2e/sec-b/api/secret")]
    [InlineData("/v1/devices/sec-a/api/a/../../../sec-b/api/secret")]
    [InlineData("/v1/devices/sec-a/api/../../../admin/devices/sec-b")]
    [InlineData("/v1/devices/sec-a/api/%2e%2e/%2e%2e/%2e%2e/admin/devices/sec-b")]
    [InlineData("/v1/devices/sec-a/api/..")]
    public async Task DotSegmentsAboveTheApiRoot_Are400_AndReachNoDevice(string target)
    {
        var before = Counts();

        var response = await GetAsync(target);

        Assert.Equal(400, response.Status);
        Assert.Equal("The path may not climb above the device's API root.", JsonDocument.Parse(response.Body).RootElement.GetProperty("message").GetString());
        Assert.Equal(before, Counts());
    }

    [Theory]
    [InlineData("/v1/devices/sec-a/api/..%2f..%2fsec-b%2fapi%2fsecret", "'..'")]
    [InlineData("/v1/devices/sec-a/api/..%2F..%2F..%2Fadmin", "'..'")]
    [InlineData("/v1/devices/sec-a/api/..%5c..%5csec-b%5capi%5csecret", "'..'")]
    [InlineData("/v1/devices/sec-a/api/files/..%5c..%5cetc%5cpasswd", "'..'")]
    [InlineData("/v1/devices/sec-a/api/%252e%252e/%252e%252e/sec-b", "'..'")]
    [InlineData("/v1/devices/sec-a/api/%25252e%25252e/x", "'..'")]
    [InlineData("/v1/devices/sec-a/api/a/%252e/b", "'..'")]
    [InlineData("/v1/devices/sec-a/api/x%00.json", null)]
    [InlineData("/v1/devices/sec-a/api/x%0d%0aX-Injected:%201", "control characters")]
    [InlineData("/v1/devices/sec-a/api/x%250d%250a", "control characters")]
    [InlineData("/v1/devices/sec-a/api//evil.example/steal", "'//'")]
    [InlineData("/v1/devices/sec-a/api/%2fevil.example/steal", "'//'")]
    [InlineData("/v1/devices/sec-a/api/%5c%5cevil.example/steal", "'//'")]
    public async Task EncodedTraversalAndInjection_AreRefusedWithAClear400(string target, string? reason)
    {
        var before = Counts();

        var response = await GetAsync(target);

        Assert.Equal(400, response.Status);
        if (reason is null)
        {
            // Kestrel refuses a decoded NUL in the path itself, before routing.
            Assert.Equal(string.Empty, response.Body);
        }
        else
        {
            var error = JsonDocument.Parse(response.Body).RootElement;
            Assert.Equal(400, error.GetProperty("error").GetInt32());
            Assert.Contains(reason, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, Counts());
    }

    [Theory]
    [InlineData("/v1/devices/sec-a/api/zones/1/../2", "/zones/2")]
    [InlineData("/v1/devices/sec-a/api/zones/%2e/2", "/zones/2")]
    [InlineData("/v1/devices/sec-a/./api/zones/2", "/zones/2")]
    [InlineData("/v1/devices/sec-a/api/files/a%2Fb?q=..%2F..", "/files/a%2Fb?q=..%2F..")]
    [InlineData("/v1/devices/sec-a/api/caf%C3%A9", "/caf%C3%A9")]
    public async Task DotSegmentsInsideTheRoot_AreResolvedBeforeTheDeviceSeesThem(string target, string expected)
    {
        var before = Counts();

        var response = await GetAsync(target);

        Assert.Equal(200, response.Status);
        Assert.Equal($"sec-a {expected}", response.Body);
        Assert.Equal(expected, fixture.ServiceA.Requests[^1].Target);
        Assert.Equal((before.A + 1, before.B), Counts());
    }

    private (int A, int B) Counts() => (fixture.ServiceA.Requests.Count, fixture.ServiceB.Requests.Count);

    private async Task<RawResponse> GetAsync(string target) =>
        Assert.Single(await RawHttp.SendAsync(fixture.Edge.HttpEndPoint, RawHttp.Head(
            $"GET {target} HTTP/1.1",
            $"Host: {fixture.Edge.HttpEndPoint}",
            $"X-Admin-Key: {TestEdge.AdminKey}",
            "Cache-Control: no-store",
            "Connection: close")));
}
