using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansRelay.Silo.Accounts;
using OrleansRelay.Silo.Hosting;

using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Accounts;

/// <summary>
/// One silo whose confirmation mails go to the real SMTP sink, two edges sharing a token signing key, and helpers
/// that run the account flow over real sockets. Each test uses addresses and device ids of its own.
/// </summary>
public sealed class AccountFixture : IAsyncLifetime
{
    public const string SigningKey = "account-tests-signing-key-0123456789";
    public const string Password = "correct horse battery";

    private readonly List<IAsyncDisposable> _owned = [];

    internal TestSilo Silo { get; private set; } = null!;

    internal TestEdge EdgeA { get; private set; } = null!;

    internal TestEdge EdgeB { get; private set; } = null!;

    internal static Dictionary<string, string?> EdgeSettings(int permitLimit = 1000) => new()
    {
        ["Auth:SigningKey"] = SigningKey,
        ["Auth:SignInPermitLimit"] = permitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public async ValueTask InitializeAsync()
    {
        Silo = await StartSiloAsync(TimeSpan.FromHours(1));
        EdgeA = await TestEdge.StartAsync(Silo.Cluster, EdgeSettings());
        EdgeB = await TestEdge.StartAsync(Silo.Cluster, EdgeSettings());
    }

    /// <summary>A silo that mails through the SMTP sink, throttles after 3 failures for 1–2 s.</summary>
    internal static Task<TestSilo> StartSiloAsync(TimeSpan confirmationLifetime, RelayStorageOptions? storage = null)
    {
        var (host, port) = TestServices.Smtp;
        return TestSilo.StartAsync(TestSilo.NewLocalCluster(), storage ?? new RelayStorageOptions(), silo =>
        {
            silo.Services.AddSingleton(Options.Create(new MailOptions { Host = host, Port = port, Security = "None", From = "relay@example.com" }));
            silo.Services.AddSingleton(Options.Create(new AccountOptions
            {
                ConfirmationLifetime = confirmationLifetime,
                MaxFailedSignIns = 3,
                BaseLockout = TimeSpan.FromSeconds(1),
                MaxLockout = TimeSpan.FromSeconds(2),
            }));
        });
    }

    public static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}@example.com";

    /// <summary>A provisioned device whose local service names <paramref name="email"/>, connected through edge A.</summary>
    internal async Task<(string DeviceId, AccountDeviceService Service, TestDaemon Daemon, string Secret)> ConnectDeviceAsync(string email, bool apiAuth = false, TestEdge? edge = null)
    {
        edge ??= EdgeA;
        var deviceId = "acct-" + Guid.NewGuid().ToString("N")[..10];
        var service = await AccountDeviceService.StartAsync(email, apiAuth);
        _owned.Add(service);
        var secret = await edge.ProvisionAsync(deviceId);
        var daemon = await TestDaemon.StartAsync(deviceId, secret, service.BaseUri, edge.DevicePort);
        _owned.Add(daemon);
        return (deviceId, service, daemon, secret);
    }

    /// <summary>Waits for the one confirmation mail to <paramref name="email"/> and returns its confirmation id.</summary>
    internal static async Task<Guid> ConfirmationMailAsync(string email)
    {
        await Eventually.TrueAsync(() => MailSink.To(email).Length > 0, $"a confirmation mail to {email}");
        var mails = MailSink.To(email);
        Assert.Single(mails);
        return MailSink.ConfirmationId(mails[0]);
    }

    /// <summary>Posts the password form; returns the status.</summary>
    internal static async Task<HttpResponseMessage> SetPasswordAsync(HttpClient client, Guid confirmationId, string password, string? confirm = null) =>
        await client.PostAsync("/v1/confirmation/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["confirmationId"] = confirmationId.ToString(),
            ["password"] = password,
            ["confirm"] = confirm ?? password,
        }), TestContext.Current.CancellationToken);

    /// <summary>A device bound to a new, confirmed address with <see cref="Password"/>.</summary>
    internal async Task<(string Email, string DeviceId, AccountDeviceService Service)> ConfirmedDeviceAsync(string who, bool apiAuth = false)
    {
        var email = NewEmail(who);
        var (deviceId, service, _, _) = await ConnectDeviceAsync(email, apiAuth);
        var id = await ConfirmationMailAsync(email);
        using var client = Anonymous(EdgeA);
        using var set = await SetPasswordAsync(client, id, Password);
        Assert.Equal(System.Net.HttpStatusCode.OK, set.StatusCode);
        return (email, deviceId, service);
    }

    internal static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string email, string password, bool remember = false) =>
        await client.PostAsJsonAsync("/v1/auth", new { email, password, remember }, TestContext.Current.CancellationToken);

    internal static async Task<string> SignInAsync(HttpClient client, string email, string password = Password)
    {
        using var response = await PostSignInAsync(client, email, password);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"sign-in failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>A client without the admin key that does not follow redirects.</summary>
    internal static HttpClient Anonymous(TestEdge edge, string? token = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://{edge.HttpEndPoint}"), Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            try
            {
                await owned.DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
                // A test already stopped it.
            }
        }

        foreach (var part in new IAsyncDisposable?[] { EdgeB, EdgeA, Silo })
        {
            if (part is not null)
            {
                await part.DisposeAsync();
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AccountCollection : ICollectionFixture<AccountFixture>
{
    public const string Name = "Accounts";
}
