using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace OrleansRelay.FunctionalTests.Webhooks;

/// <summary>
/// A real HTTP endpoint (Kestrel on 127.0.0.1) receiving webhooks: records every attempt with its Standard Webhooks
/// headers and body, and answers as the test scripts it (fail the first attempts, hang, always fail).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Attempt> _attempts = new();
    private int _count;

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
    }

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<Attempt> Attempts => [.. _attempts];

    /// <summary>How the receiver answers attempt number n (1-based, over all requests): a status, or null to hang.</summary>
    public Func<int, int?> Answer { get; set; } = _ => 200;

    /// <summary>Released when the test ends: hanging attempts wait for it.</summary>
    public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", (Delegate)receiver.ReceiveAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = new Uri(new Uri(address), "/hook");
        return receiver;
    }

    /// <summary>The successful attempts' messages, one per webhook-id, in the order they first succeeded.</summary>
    public IReadOnlyList<Attempt> Delivered() =>
        [.. Attempts.Where(a => a.Status is >= 200 and < 300).DistinctBy(a => a.MessageId)];

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var number = Interlocked.Increment(ref _count);
        var status = Answer(number);
        var attempt = new Attempt(
            number,
            context.Request.Headers["webhook-id"].ToString(),
            context.Request.Headers["webhook-timestamp"].ToString(),
            context.Request.Headers["webhook-signature"].ToString(),
            body,
            status);
        _attempts.Enqueue(attempt);
        if (status is not { } answer)
        {
            await Released.Task.WaitAsync(context.RequestAborted);
            return Results.StatusCode(200);
        }

        return Results.StatusCode(answer);
    }

    public async ValueTask DisposeAsync()
    {
        Released.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One request as it arrived, and what it was answered (null: hung until the sender gave up).</summary>
    public sealed record Attempt(int Number, string MessageId, string Timestamp, string Signature, string Body, int? Status)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;

        /// <summary>Checks the signature as a receiver following the Standard Webhooks specification does.</summary>
        public bool SignatureVerifies(string secret)
        {
            Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
            var key = Convert.FromBase64String(secret["whsec_".Length..]);
            var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{MessageId}.{Timestamp}.{Body}")));
            return Signature.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)));
        }
    }
}
