using System.Net;
using System.Text.Json;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Accounts;

/// <summary><c>GET /v1/events</c>: all of a user's devices in one Server-Sent Events stream, resumable.</summary>
[Collection(AccountCollection.Name)]
public sealed class AllEventsTests(AccountFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AllMyDevices_InOneStream_ResumeGetsExactlyTheMissedEventsOfEveryDevice_OthersNotIncluded()
    {
        var email = AccountFixture.NewEmail("multi");
        var (first, _, firstDaemon, _) = await fixture.ConnectDeviceAsync(email);
        var (second, _, secondDaemon, _) = await fixture.ConnectDeviceAsync(email);
        var (_, strangerDevice, _) = await fixture.ConfirmedDeviceAsync("stranger");
        using (var anonymous = AccountFixture.Anonymous(fixture.EdgeA))
        using (var set = await AccountFixture.SetPasswordAsync(anonymous, await AccountFixture.ConfirmationMailAsync(email), AccountFixture.Password))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        string token;
        using (var anonymous = AccountFixture.Anonymous(fixture.EdgeB))
        {
            token = await AccountFixture.SignInAsync(anonymous, email);
        }

        string resumeAfter;
        await using (var stream = await SseClient.OpenAsync(fixture.EdgeB.Client.BaseAddress!, "/v1/events", lastEventId: null, key: null, bearer: token))
        {
            Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
            firstDaemon.Daemon.Notify("a1");
            secondDaemon.Daemon.Notify("b1");
            var live = await stream.NextAsync(2, "notification");
            Assert.Equal([(first, "a1"), (second, "b1")], live.Select(Parse).OrderBy(e => e.Data));
            resumeAfter = live[^1].RawId!;
        }

        firstDaemon.Daemon.Notify("a2");
        secondDaemon.Daemon.Notify("b2");
        await Eventually.TrueAsync(() => firstDaemon.Daemon.PendingNotifications + secondDaemon.Daemon.PendingNotifications == 0, "the notifications to be recorded");

        await using var resumed = await SseClient.OpenAsync(fixture.EdgeA.Client.BaseAddress!, "/v1/events", resumeAfter, key: null, bearer: token);
        var missed = await resumed.NextAsync(2, "notification");
        Assert.Equal([(first, "a2"), (second, "b2")], missed.Select(Parse).OrderBy(e => e.Data));

        // Then live, with nothing repeated and nothing from another user's device.
        firstDaemon.Daemon.Notify("a3");
        Assert.Equal((first, "a3"), Parse((await resumed.NextAsync(1, "notification"))[0]));
        Assert.DoesNotContain(strangerDevice, resumeAfter, StringComparison.Ordinal);

        // Operators use the per-device streams; a malformed position is refused; no credentials is 401.
        using var operatorStream = await fixture.EdgeA.Client.GetAsync("/v1/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, operatorStream.StatusCode);
        using var nobody = AccountFixture.Anonymous(fixture.EdgeA);
        using var anonymousStream = await nobody.GetAsync("/v1/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousStream.StatusCode);
        using var user = AccountFixture.Anonymous(fixture.EdgeA, token);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events");
        request.Headers.Add("Last-Event-ID", "not a position");
        using var bad = await user.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static (string DeviceId, string Data) Parse(SseEvent e)
    {
        using var json = JsonDocument.Parse(e.Data);
        return (json.RootElement.GetProperty("deviceId").GetString()!, json.RootElement.GetProperty("data").GetString()!);
    }
}
