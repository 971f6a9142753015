using System.Net;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// A device's local REST service that names an owner's address and, optionally, protects its API: <c>POST /login</c>
/// with the right device credentials returns a token that <c>GET /secure</c> demands as a bearer token.
/// </summary>
internal sealed class AccountDeviceService : IAsyncDisposable
{
    public const string DeviceUser = "admin";
    public const string DevicePassword = "device-pass";
    public const string DeviceToken = "device-token-42";

    private readonly WebApplication _app;

    private AccountDeviceService(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>The Authorization header values <c>/secure</c> received.</summary>
    public List<string> SecureAuthorizations { get; } = [];

    public static async Task<AccountDeviceService> StartAsync(string email, bool apiAuth = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        AccountDeviceService? service = null;
        app.MapGet("/device", () => apiAuth
            ? Results.Json(new { name = "Account test device", manufacturer = "Tests", version = "1", email, apiAuthPath = "/login" })
            : Results.Json(new { name = "Account test device", manufacturer = "Tests", version = "1", email }));
        app.MapGet("/hello", () => Results.Text("hi"));
        app.MapPost("/login", async (HttpContext context) =>
        {
            var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body);
            var ok = body.RootElement.GetProperty("user").GetString() == DeviceUser && body.RootElement.GetProperty("password").GetString() == DevicePassword;
            return ok ? Results.Json(new { token = DeviceToken }) : Results.Json(new { error = "bad device credentials" }, statusCode: 401);
        });
        app.MapGet("/secure", (HttpContext context) =>
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            lock (service!.SecureAuthorizations)
            {
                service.SecureAuthorizations.Add(authorization);
            }

            return authorization == $"Bearer {DeviceToken}" ? Results.Text("secret data") : Results.StatusCode(401);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        service = new AccountDeviceService(app, new Uri(app.Urls.First()));
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
