using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// A device's local REST service for tests, on a real Kestrel socket: echoes what it receives, mirrors bodies,
/// returns any status, streams large bodies, and parks requests on named gates the test opens.
/// </summary>
internal sealed class TestDeviceService : IAsyncDisposable
{
    public const int BigSize = 4 * 1024 * 1024;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private int _inFlight;
    private int _maxInFlight;

    private TestDeviceService(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUri { get; private set; } = null!;

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>In-flight count at which the <c>/inflight</c> gate opens.</summary>
    public int InFlightTarget { get; set; } = 8;

    public int Requests => Volatile.Read(ref _requests);

    private int _requests;

    public TaskCompletionSource Gate(string name) =>
        _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public static async Task<TestDeviceService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var service = new TestDeviceService(app);
        service.Map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        service.BaseUri = new Uri(app.Urls.First());
        return service;
    }

    public static byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i % 251)).ToArray();

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref _requests);
            await next(context);
        });
        app.MapGet("/device", () => Results.Json(new { name = "Test device", manufacturer = "Tests", version = "1", email = "owner@example.com" }));
        app.Map("/echo/{**rest}", (Delegate)EchoAsync);
        app.MapPost("/mirror", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            return Results.Bytes(body.ToArray(), "application/octet-stream");
        });
        app.MapGet("/status/{code:int}", (int code, HttpContext context) =>
        {
            context.Response.Headers["X-Status-From"] = "device";
            return code == 204 ? Results.StatusCode(204) : Results.Text($"status {code}", statusCode: code);
        });
        app.MapMethods("/bytes/{length:int}", ["GET", "HEAD"], (int length) => Results.Bytes(Pattern(length), "application/octet-stream"));
        app.MapGet("/inflight/{id}", async (string id) =>
        {
            var now = Interlocked.Increment(ref _inFlight);
            int seen;
            while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
            {
            }

            if (now >= InFlightTarget)
            {
                Gate("inflight").TrySetResult();
            }

            try
            {
                // If the relay serialized requests, only one would ever be here and the gate would never open.
                await Gate("inflight").Task.WaitAsync(TimeSpan.FromSeconds(15));
                return Results.Text(id);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        });
        app.MapGet("/big", async (HttpContext context, string gate) =>
        {
            var body = Pattern(BigSize);
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body.AsMemory(0, 1024 * 1024));
            await context.Response.Body.FlushAsync();
            Gate(gate + "-started").TrySetResult();
            await Gate(gate).Task.WaitAsync(TimeSpan.FromSeconds(30));
            await context.Response.Body.WriteAsync(body.AsMemory(1024 * 1024));
        });
        app.MapGet("/slow", async (string gate) =>
        {
            Gate(gate + "-started").TrySetResult();
            await Gate(gate).Task.WaitAsync(TimeSpan.FromSeconds(30));
            return Results.Text("late");
        });
    }

    private static async Task<IResult> EchoAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        context.Response.Headers["X-Device-Echo"] = "1";
        context.Response.Headers.Append("Set-Cookie", "a=1");
        context.Response.Headers.Append("Set-Cookie", "b=2");
        var status = int.TryParse(context.Request.Query["status"], out var s) ? s : 200;
        return Results.Json(
            new EchoResult(
                context.Request.Method,
                context.Features.Get<IHttpRequestFeature>()!.RawTarget,
                headers,
                body.Length,
                Convert.ToHexString(SHA256.HashData(body.ToArray()))),
            statusCode: status);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gate in _gates.Values)
        {
            gate.TrySetResult();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed record EchoResult(string Method, string Target, Dictionary<string, string> Headers, long BodyLength, string BodySha256);
