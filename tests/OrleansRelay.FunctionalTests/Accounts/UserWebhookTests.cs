using System.Net;
using System.Net.Http.Json;
using OrleansRelay.FunctionalTests.Webhooks;

namespace OrleansRelay.FunctionalTests.Accounts;

/// <summary>Webhooks as signed-in users manage them: their own devices and account only.</summary>
[Collection(AccountCollection.Name)]
public sealed class UserWebhookTests(AccountFixture fixture)
{
    // A public address (TEST-NET-3, documentation only): registration resolves and checks it; nothing is delivered
    // there (the webhooks ask for presence only, and the test changes no presence while they exist).
    private static readonly Uri Target = new("https://203.0.113.10/hook");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task User_ManagesWebhooksOfOwnDeviceAndAccount_AnotherUserCanNeitherSeeNorTouchThem()
    {
        var (owner, deviceId, _) = await fixture.ConfirmedDeviceAsync("hook-owner");
        var (stranger, _, _) = await fixture.ConfirmedDeviceAsync("hook-stranger");
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        using var ownerClient = AccountFixture.Anonymous(fixture.EdgeA, await AccountFixture.SignInAsync(anonymous, owner));
        using var strangerClient = AccountFixture.Anonymous(fixture.EdgeB, await AccountFixture.SignInAsync(anonymous, stranger));
        var devicePath = $"/v1/devices/{deviceId}/webhooks";

        var (deviceHook, secret) = await WebhookApi.RegisterAsync(ownerClient, devicePath, Target, "presence");
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var (accountHook, _) = await WebhookApi.RegisterAsync(ownerClient, "/v1/webhooks", Target, "presence");
        try
        {
            Assert.Equal([deviceHook], (await WebhookApi.GetAsync(ownerClient, devicePath)).EnumerateArray().Select(w => w.GetProperty("id").GetString()));
            Assert.Equal([accountHook], (await WebhookApi.GetAsync(ownerClient, "/v1/webhooks")).EnumerateArray().Select(w => w.GetProperty("id").GetString()));
            Assert.Equal(0, (await WebhookApi.GetAsync(ownerClient, $"{devicePath}/{deviceHook}/dead-letters")).GetArrayLength());

            // Another user: the device is not theirs (404, as for a device that does not exist), their account has none,
            // and naming the owner's account changes nothing (a user's account-wide scope is always their own).
            using (var list = await strangerClient.GetAsync(devicePath, Token))
            {
                Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
            }

            using (var add = await strangerClient.PostAsJsonAsync(devicePath, new { url = Target.ToString() }, Token))
            {
                Assert.Equal(HttpStatusCode.NotFound, add.StatusCode);
            }

            using (var delete = await strangerClient.DeleteAsync($"{devicePath}/{deviceHook}", Token))
            {
                Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
            }

            Assert.Equal(0, (await WebhookApi.GetAsync(strangerClient, "/v1/webhooks")).GetArrayLength());
            Assert.Equal(0, (await WebhookApi.GetAsync(strangerClient, $"/v1/webhooks?account={Uri.EscapeDataString(owner)}")).GetArrayLength());
            using (var delete = await strangerClient.DeleteAsync($"/v1/webhooks/{accountHook}?account={Uri.EscapeDataString(owner)}", Token))
            {
                Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
            }

            // Anonymous callers are refused outright.
            using (var list = await anonymous.GetAsync("/v1/webhooks", Token))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
            }

            Assert.Single((await WebhookApi.GetAsync(ownerClient, devicePath)).EnumerateArray());
        }
        finally
        {
            using var deleteDevice = await ownerClient.DeleteAsync($"{devicePath}/{deviceHook}", Token);
            Assert.Equal(HttpStatusCode.NoContent, deleteDevice.StatusCode);
            using var deleteAccount = await ownerClient.DeleteAsync($"/v1/webhooks/{accountHook}", Token);
            Assert.Equal(HttpStatusCode.NoContent, deleteAccount.StatusCode);
        }

        Assert.Equal(0, (await WebhookApi.GetAsync(ownerClient, devicePath)).GetArrayLength());
        Assert.Equal(0, (await WebhookApi.GetAsync(ownerClient, "/v1/webhooks")).GetArrayLength());
    }
}
