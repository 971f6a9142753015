using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// A device's local service for the data-plane tests, on a real Kestrel socket: large deterministic downloads
/// (<c>GET /blob</c>), upload hashing (<c>POST /hash</c>), endless Server-Sent Events and MJPEG-style streams that
/// send an event when the test says so and report their abort, a WebSocket echo (<c>/ws/echo</c>), a request held
/// on a gate (<c>/hold</c>), a counted cacheable resource (<c>/counted/{name}</c>) and <c>/whoami</c> (its name).
/// </summary>
internal sealed class StreamingDeviceService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, EndlessStreamControl> _streams = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private int _held;

    private StreamingDeviceService(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>What <c>GET /whoami</c> answers.</summary>
    public string Name { get; }

    /// <summary>SHA-256 (hex) and length of what each <c>GET /blob?id=…</c> actually wrote, by id.</summary>
    public ConcurrentDictionary<string, (long Length, string Sha256)> Blobs { get; } = new();

    /// <summary>Every WebSocket connection by the client's <c>conn</c> query parameter.</summary>
    public ConcurrentDictionary<string, WebSocketEchoConnection> WebSockets { get; } = new();

    /// <summary>Requests to <c>/ws/</c> that reached this service at all, upgraded or not.</summary>
    public int WebSocketRequests => Volatile.Read(ref _webSocketRequests);

    /// <summary>Requests now parked on a <c>/hold</c> gate.</summary>
    public int Held => Volatile.Read(ref _held);

    private int _webSocketRequests;

    /// <summary>The control of the endless stream named <paramref name="id"/> (created on first use by either side).</summary>
    public EndlessStreamControl Stream(string id) => _streams.GetOrAdd(id, _ => new EndlessStreamControl());

    /// <summary>Opens the <c>/hold?gate=…</c> requests waiting on <paramref name="name"/>.</summary>
    public void Open(string name) => Gate(name).TrySetResult();

    /// <summary>How many times the device served <c>GET /counted/{name}</c>.</summary>
    public int Count(string name) => _counts.TryGetValue(name, out var count) ? count : 0;

    public static async Task<StreamingDeviceService> StartAsync(string name = "device", string? ownerEmail = null, ILoggerProvider? logs = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            // Kestrel's connection events: whether the relay's connection closed, and when.
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Debug);
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var service = new StreamingDeviceService(app, name);
        app.UseWebSockets();
        service.Map(app, ownerEmail);
        await app.StartAsync(TestContext.Current.CancellationToken);
        service.BaseUri = new Uri(app.Urls.First());
        return service;
    }

    private TaskCompletionSource Gate(string name) =>
        _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private void Map(WebApplication app, string? ownerEmail)
    {
        app.MapGet("/device", () => ownerEmail is null
            ? Results.Json(new { name = "Streaming test device", manufacturer = "Tests", version = "1" })
            : Results.Json(new { name = "Streaming test device", manufacturer = "Tests", version = "1", email = ownerEmail }));
        app.MapGet("/whoami", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Text(Name);
        });
        app.MapGet("/blob", BlobAsync);
        app.MapPost("/hash", async (HttpContext context) =>
        {
            var (length, sha256) = await StreamHash.ComputeAsync(context.Request.Body, context.RequestAborted);
            return Results.Json(new UploadHash(length, sha256));
        });
        app.MapGet("/sse", (HttpContext context, string stream) => EndlessAsync(context, Stream(stream), "text/event-stream", SseEvent));
        app.MapGet("/mjpeg", (HttpContext context, string stream) => EndlessAsync(context, Stream(stream), "multipart/x-mixed-replace; boundary=frame", MjpegFrame));
        app.Map("/ws/echo", async (HttpContext context, string conn) =>
        {
            Interlocked.Increment(ref _webSocketRequests);
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("not a WebSocket request", context.RequestAborted);
                return;
            }

            await WebSocketEchoEndpoint.RunAsync(context, WebSockets.GetOrAdd(conn, _ => new WebSocketEchoConnection()));
        });
        app.MapGet("/hold", async (HttpContext context, string gate) =>
        {
            Interlocked.Increment(ref _held);
            try
            {
                await Gate(gate).Task.WaitAsync(context.RequestAborted);
                return Results.Text("late");
            }
            finally
            {
                Interlocked.Decrement(ref _held);
            }
        });
        app.MapGet("/counted/{name}", (HttpContext context, string name) =>
        {
            var count = _counts.AddOrUpdate(name, 1, (_, c) => c + 1);
            context.Response.Headers.CacheControl = "max-age=60";
            return Results.Text($"{name} #{count.ToString(CultureInfo.InvariantCulture)}");
        });
        app.MapPost("/counted/{name}", () => Results.Text("written"));
    }

    /// <summary><c>size</c> deterministic bytes seeded by <c>id</c>, with a Content-Length and no cache headers.</summary>
    private async Task BlobAsync(HttpContext context, long size, string id)
    {
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = size;
        using var source = new DeterministicStream(DeterministicStream.SeedOf(id), size);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long written = 0;
            int read;
            while ((read = source.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                written += read;
            }

            Blobs[id] = (written, Convert.ToHexString(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task EndlessAsync(HttpContext context, EndlessStreamControl control, string contentType, Func<int, byte[]> render)
    {
        var aborted = context.RequestAborted;
        control.Served(context.Connection.Id);

        // The moment the abort fires. Not the only report: the token's callbacks run one after another, the channel
        // read's (registered later) first, and its continuation can end this handler, and dispose this registration,
        // before the token gets to this one; the catch below reports the abort then.
        using var registration = aborted.Register(() => control.Aborted.TrySetResult(System.Diagnostics.Stopwatch.GetTimestamp()));
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-cache";
        try
        {
            await context.Response.StartAsync(aborted);
            await context.Response.Body.FlushAsync(aborted);
            control.Started.TrySetResult();
            for (var number = 1; ; number++)
            {
                if (!await control.NextCommandAsync(aborted))
                {
                    control.Ended("failed on the test's command");
                    context.Abort();
                    return;
                }

                // Recorded before the write: once the flush is under way the client may read the event before this
                // thread gets to record anything (the test then found no timestamp).
                control.Sending(number);
                await context.Response.Body.WriteAsync(render(number), aborted);
                await context.Response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client (through the relay) went away: what the tests wait for, via control.Aborted.
            control.Aborted.TrySetResult(System.Diagnostics.Stopwatch.GetTimestamp());
            control.Ended("aborted");
        }
        catch (Exception ex)
        {
            control.Ended($"{ex.GetType().Name}: {ex.Message} (aborted: {aborted.IsCancellationRequested})");
            throw;
        }
    }

    /// <summary>Server-Sent Event <c>n</c>; its data <c>event-n</c> is the marker the client waits for.</summary>
    public static byte[] SseEvent(int number) => Encoding.UTF8.GetBytes($"id: {number}\nevent: tick\ndata: event-{number}\n\n");

    public static string SseMarker(int number) => $"data: event-{number}\n\n";

    /// <summary>An MJPEG-style part: a fake JPEG (SOI, text, EOI) whose text ends with the marker <c>frame-n-end</c>.</summary>
    public static byte[] MjpegFrame(int number)
    {
        var jpeg = new List<byte> { 0xFF, 0xD8 };
        jpeg.AddRange(Encoding.ASCII.GetBytes($"frame-{number}-{new string('x', 4000)}-{MjpegMarker(number)}"));
        jpeg.AddRange([0xFF, 0xD9]);
        var head = Encoding.ASCII.GetBytes($"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: {jpeg.Count}\r\n\r\n");
        return [.. head, .. jpeg, .. "\r\n"u8.ToArray()];
    }

    public static string MjpegMarker(int number) => $"frame-{number}-end";

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

/// <summary>What <c>POST /hash</c> received.</summary>
internal sealed record UploadHash(long Length, string Sha256);
