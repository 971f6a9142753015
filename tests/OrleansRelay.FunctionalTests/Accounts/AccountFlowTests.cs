using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Accounts;

/// <summary>The whole account flow over real sockets: device hello → one mail over SMTP → password → sign-in → access on both edges.</summary>
[Collection(AccountCollection.Name)]
public sealed class AccountFlowTests(AccountFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeviceWithEmail_ConfirmSignInRelay_WorksOnBothEdges()
    {
        var email = AccountFixture.NewEmail("alice");
        var (deviceId, service, daemon, secret) = await fixture.ConnectDeviceAsync(email);
        var confirmationId = await AccountFixture.ConfirmationMailAsync(email);

        // Reconnecting does not send another mail, and an immediate resend is refused by the rate limit.
        await daemon.DisposeAsync();
        await using var again = await TestDaemon.StartAsync(deviceId, secret, service.BaseUri, fixture.EdgeB.DevicePort);
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        using (var resend = await anonymous.PostAsJsonAsync("/v1/confirmation/resend", new { email }, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        }

        Assert.Single(MailSink.To(email));

        // The link redirects to the password page.
        using (var link = await anonymous.GetAsync($"/v1/confirmation?confirmationId={confirmationId}", Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, link.StatusCode);
            Assert.Equal($"/v1/confirmation/password?confirmationId={confirmationId}", link.Headers.Location!.OriginalString);
        }

        using (var page = await anonymous.GetAsync($"/v1/confirmation/password?confirmationId={confirmationId}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // Password policy: length, not the address, both fields equal. A refused password does not use up the link.
        using (var shortPassword = await AccountFixture.SetPasswordAsync(anonymous, confirmationId, "short"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, shortPassword.StatusCode);
        }

        using (var emailPassword = await AccountFixture.SetPasswordAsync(anonymous, confirmationId, "x" + email + "1"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, emailPassword.StatusCode);
            Assert.Contains("e-mail", await emailPassword.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using (var mismatch = await AccountFixture.SetPasswordAsync(anonymous, confirmationId, AccountFixture.Password, "something else entirely"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        }

        using (var set = await AccountFixture.SetPasswordAsync(anonymous, confirmationId, AccountFixture.Password))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        // The link works once.
        using (var reused = await anonymous.GetAsync($"/v1/confirmation?confirmationId={confirmationId}", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, reused.StatusCode);
        }

        using (var reusedForm = await AccountFixture.SetPasswordAsync(anonymous, confirmationId, "another good password"))
        {
            Assert.Equal(HttpStatusCode.NotFound, reusedForm.StatusCode);
        }

        using (var signIn = await AccountFixture.PostSignInAsync(anonymous, email, AccountFixture.Password))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
            var body = JsonDocument.Parse(await signIn.Content.ReadAsStringAsync(Ct)).RootElement;
            Assert.False(string.IsNullOrEmpty(body.GetProperty("access_token").GetString()));
            Assert.True(body.GetProperty("expires").GetDateTimeOffset() > DateTimeOffset.UtcNow);
            var device = Assert.Single(body.GetProperty("devices").EnumerateArray());
            Assert.Equal(deviceId, device.GetProperty("id").GetString());
            Assert.Equal("Account test device", device.GetProperty("name").GetString());
            Assert.True(device.GetProperty("online").GetBoolean());
        }

        var token = await AccountFixture.SignInAsync(anonymous, email);
        foreach (var edge in new[] { fixture.EdgeA, fixture.EdgeB })
        {
            using var user = AccountFixture.Anonymous(edge, token);
            var list = JsonDocument.Parse(await user.GetStringAsync("/v1/devices/list", Ct)).RootElement;
            Assert.Equal(deviceId, Assert.Single(list.GetProperty("devices").EnumerateArray()).GetProperty("id").GetString());
            Assert.Equal("hi", await user.GetStringAsync($"/v1/devices/{deviceId}/api/hello", Ct));
            using var events = await user.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/v1/devices/{deviceId}/events"), HttpCompletionOption.ResponseHeadersRead, Ct);
            Assert.Equal(HttpStatusCode.OK, events.StatusCode);
            Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task ConfirmedAddress_NewDevice_BoundWithoutAnotherMail()
    {
        var (email, first, _) = await fixture.ConfirmedDeviceAsync("carol");
        var (second, _, _, _) = await fixture.ConnectDeviceAsync(email);
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        var token = await AccountFixture.SignInAsync(anonymous, email);
        using var user = AccountFixture.Anonymous(fixture.EdgeB, token);
        var ids = JsonDocument.Parse(await user.GetStringAsync("/v1/devices/list", Ct)).RootElement.GetProperty("devices")
            .EnumerateArray().Select(d => d.GetProperty("id").GetString()).Order().ToArray();
        Assert.Equal(new[] { first, second }.Order().ToArray(), ids);
        Assert.Single(MailSink.To(email));
    }
}
