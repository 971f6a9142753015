using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

// The MQTT 5 request/response system of bench/compare/run.sh: what a team would build instead of a relay.
//
//   front     --broker-port P --http-port H --device D   HTTP on 127.0.0.1:H; each request becomes one MQTT 5
//             message on devices/D/req with a response topic and correlation data; the reply becomes the response.
//   responder --broker-port P --device D --local URL     beside the device: subscribes to devices/D/req, calls the
//             device's REST service at URL (keep-alive pool) and publishes the answer to the response topic.
//
// Message payloads: request "METHOD PATH\n" + body; reply "STATUS\n" + body. QoS 0 both ways (an RPC that times out
// and is retried by its caller, as request/response over MQTT is usually built).
var mode = args.FirstOrDefault();
var options = Options.Parse(args.Skip(1).ToArray());
using var stop = new CancellationTokenSource();
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

switch (mode)
{
    case "front":
        await Front.RunAsync(options, stop.Token);
        return 0;
    case "responder":
        await Responder.RunAsync(options, stop.Token);
        return 0;
    default:
        Console.Error.WriteLine("usage: orleansrelay-compare-mqtt front|responder --broker-port P [--http-port H] [--device D] [--local URL]");
        return 2;
}

internal sealed record Options(int BrokerPort, int HttpPort, string Device, Uri? Local)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        string Get(string name, string fallback) => values.TryGetValue(name, out var v) ? v : fallback;
        return new Options(
            int.Parse(Get("--broker-port", "1883"), CultureInfo.InvariantCulture),
            int.Parse(Get("--http-port", "0"), CultureInfo.InvariantCulture),
            Get("--device", "bench-device"),
            values.TryGetValue("--local", out var local) ? new Uri(local) : null);
    }

    public string RequestTopic => $"devices/{Device}/req";
}

internal static class Mqtt
{
    public static async Task<IMqttClient> ConnectAsync(int port, string clientId, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart()
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .Build();
        // 1 MiB bodies: serialize a packet in one buffer and send it whole (MQTTnet's defaults start at 8 KiB).
        options.WriterBufferSize = 2 * 1024 * 1024;
        options.WriterBufferSizeMax = 4 * 1024 * 1024;
        options.AllowPacketFragmentation = false;
        client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                Console.Error.WriteLine($"{clientId}: disconnected from the broker: {e.Reason} {e.ReasonString} {e.Exception?.Message}");
            }

            return Task.CompletedTask;
        };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.ConnectAsync(options, cancellationToken);
                return client;
            }
            catch (Exception) when (attempt < 50 && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    public static Task SubscribeAsync(IMqttClient client, string topic, CancellationToken cancellationToken) =>
        client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtMostOnce).Build(), cancellationToken);

    /// <summary>Splits "first line\n" + rest.</summary>
    public static (string Head, byte[] Body) Split(ReadOnlySequence<byte> payload)
    {
        var bytes = payload.ToArray();
        var newline = Array.IndexOf(bytes, (byte)'\n');
        return newline < 0
            ? (Encoding.ASCII.GetString(bytes), [])
            : (Encoding.ASCII.GetString(bytes, 0, newline), bytes[(newline + 1)..]);
    }

    public static byte[] Join(string head, ReadOnlySpan<byte> body)
    {
        var headBytes = Encoding.ASCII.GetBytes(head + "\n");
        var payload = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(payload, 0);
        body.CopyTo(payload.AsSpan(headBytes.Length));
        return payload;
    }
}

internal static class Front
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(Options options, CancellationToken cancellationToken)
    {
        var pending = new ConcurrentDictionary<long, TaskCompletionSource<(int Status, byte[] Body)>>();
        var responseTopic = $"fronts/{Environment.ProcessId}/resp";
        var mqtt = await Mqtt.ConnectAsync(options.BrokerPort, $"front-{Environment.ProcessId}", cancellationToken);
        mqtt.ApplicationMessageReceivedAsync += e =>
        {
            var correlation = e.ApplicationMessage.CorrelationData;
            if (correlation is { Length: 8 } && pending.TryRemove(BinaryPrimitives.ReadInt64LittleEndian(correlation), out var waiter))
            {
                var (head, body) = Mqtt.Split(e.ApplicationMessage.Payload);
                waiter.TrySetResult((int.Parse(head, CultureInfo.InvariantCulture), body));
            }

            return Task.CompletedTask;
        };
        await Mqtt.SubscribeAsync(mqtt, responseTopic, cancellationToken);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.HttpPort);
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        long next = 0;
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var id = Interlocked.Increment(ref next);
            var correlation = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(correlation, id);
            var waiter = new TaskCompletionSource<(int Status, byte[] Body)>(TaskCreationOptions.RunContinuationsAsynchronously);
            pending[id] = waiter;
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(options.RequestTopic)
                .WithPayload(Mqtt.Join($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}", body.GetBuffer().AsSpan(0, (int)body.Length)))
                .WithResponseTopic(responseTopic)
                .WithCorrelationData(correlation)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
                .Build();
            try
            {
                await mqtt.PublishAsync(message, context.RequestAborted);
                var (status, responseBody) = await waiter.Task.WaitAsync(Timeout, context.RequestAborted);
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = responseBody.Length;
                await context.Response.Body.WriteAsync(responseBody, context.RequestAborted);
            }
            catch (TimeoutException)
            {
                context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
            }
            finally
            {
                pending.TryRemove(id, out _);
            }
        });
        await app.StartAsync(cancellationToken);
        Console.WriteLine($"front: http://127.0.0.1:{options.HttpPort} -> {options.RequestTopic}");
        // The host's console lifetime takes SIGTERM/SIGINT and stops the app; that is the front's end.
        await app.WaitForShutdownAsync(cancellationToken);
        await mqtt.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
    }
}

internal static class Responder
{
    public static async Task RunAsync(Options options, CancellationToken cancellationToken)
    {
        var local = options.Local ?? throw new ArgumentException("--local URL is required");
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5), UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = local,
            Timeout = TimeSpan.FromSeconds(10),
        };
        var mqtt = await Mqtt.ConnectAsync(options.BrokerPort, $"responder-{options.Device}", cancellationToken);
        mqtt.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            if (message.ResponseTopic is { } responseTopic && message.CorrelationData is { } correlation)
            {
                var (head, body) = Mqtt.Split(message.Payload);
                // Not awaited: the receive loop goes on to the next request while this one waits for the device.
                _ = AnswerAsync(http, mqtt, head, body, responseTopic, correlation, cancellationToken);
            }

            return Task.CompletedTask;
        };
        await Mqtt.SubscribeAsync(mqtt, options.RequestTopic, cancellationToken);
        Console.WriteLine($"responder: {options.RequestTopic} -> {local}");
        try
        {
            await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        await mqtt.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
    }

    private static async Task AnswerAsync(HttpClient http, IMqttClient mqtt, string head, byte[] body, string responseTopic, byte[] correlation, CancellationToken cancellationToken)
    {
        byte[] reply;
        try
        {
            var space = head.IndexOf(' ', StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(head[..space]), head[(space + 1)..].TrimStart('/'));
            if (body.Length > 0 || request.Method == HttpMethod.Post)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            }

            using var response = await http.SendAsync(request, cancellationToken);
            var responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            reply = Mqtt.Join(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), responseBody);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            reply = Mqtt.Join("502", Encoding.UTF8.GetBytes("{\"error\":502}"));
        }

        try
        {
            await mqtt.PublishAsync(
                new MqttApplicationMessageBuilder()
                    .WithTopic(responseTopic)
                    .WithPayload(reply)
                    .WithCorrelationData(correlation)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
                    .Build(),
                cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
        }
    }
}
