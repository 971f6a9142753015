using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Accounts;

/// <summary>
/// A standards-strict OAuth 2 client library nobody on the project wrote (npm <c>oauth4webapi</c>, run with node; see
/// <c>StrictClient/strict-client.mjs</c>) against an edge on its defaults: no <c>OAuth:Issuer</c>, only the public URL
/// the edge is reached at. Discovery, authorization code with PKCE, state and <c>iss</c> checks, code exchange, refresh
/// rotation, introspection, revocation, and the replay of a code and of a refresh token.
/// </summary>
[Collection(AccountCollection.Name)]
public sealed class OAuthStrictClientTests(AccountFixture fixture)
{
    private const string RedirectUri = "https://strict-client.example/callback";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Oauth4webapi_CompletesEveryFlow_AgainstAnEdgeOnItsDefaults()
    {
        var port = FreePort.Next();
        var publicUrl = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        var settings = AccountFixture.EdgeSettings();
        settings["Edge:HttpPort"] = port.ToString(CultureInfo.InvariantCulture);
        settings["Accounts:PublicUrl"] = publicUrl;
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, settings);

        var (email, deviceId, _) = await fixture.ConfirmedDeviceAsync("strict");
        using var anonymous = AccountFixture.Anonymous(edge);
        var userToken = await AccountFixture.SignInAsync(anonymous, email);
        using var admin = AccountFixture.Anonymous(edge);
        admin.DefaultRequestHeaders.Add("X-Admin-Key", TestEdge.AdminKey);
        using var registered = await admin.PostAsJsonAsync("/v1/oauth/clients", new { name = "Strict client", redirect_uris = new[] { RedirectUri } }, Ct);
        var client = JsonDocument.Parse(await registered.Content.ReadAsStringAsync(Ct)).RootElement;

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(RepositoryRoot.Location, "tests", "OrleansRelay.FunctionalTests", "Accounts", "StrictClient"),
        };
        start.ArgumentList.Add("strict-client.mjs");
        start.Environment["ISSUER"] = publicUrl + "/";
        start.Environment["CLIENT_ID"] = client.GetProperty("client_id").GetString();
        start.Environment["CLIENT_SECRET"] = client.GetProperty("client_secret").GetString();
        start.Environment["REDIRECT_URI"] = RedirectUri;
        start.Environment["USER_TOKEN"] = userToken;
        start.Environment["DEVICE_ID"] = deviceId;
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var output = node.StandardOutput.ReadToEndAsync(Ct);
        var errors = node.StandardError.ReadToEndAsync(Ct);
        try
        {
            await Eventually.Within(node.WaitForExitAsync(Ct).ContinueWith(_ => true, Ct), "the strict client to finish", TimeSpan.FromMinutes(2));
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }

        var printed = await output;
        TestContext.Current.TestOutputHelper?.WriteLine(printed);
        Assert.True(node.ExitCode == 0, $"oauth4webapi failed (exit {node.ExitCode}):\n{printed}\n{await errors}");
        foreach (var step in new[]
        {
            "discovery", "authorization response (state and iss checked)", "code exchange", "relayed request", "refresh rotation", "introspection",
            "refresh token replay refused", "refresh token replay revoked the grant", "code replay refused", "code replay revoked the grant",
            "revocation", "revoked access token refused at the relay (401 with a Bearer challenge)", "revoked refresh token refused",
        })
        {
            Assert.Contains($"ok {step}\n", printed, StringComparison.Ordinal);
        }
    }
}
