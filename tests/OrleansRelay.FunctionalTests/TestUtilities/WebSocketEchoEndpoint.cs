using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// The device's WebSocket endpoint: echoes every message with its type, and obeys two text commands:
/// <c>close:CODE</c> (the device closes with that code and "device says bye") and <c>delay:MS</c> (answers
/// <c>late</c> after MS milliseconds, while it keeps reading, so pings arriving meanwhile are answered).
/// </summary>
internal static class WebSocketEchoEndpoint
{
    public const string DeviceCloseDescription = "device says bye";
    private const int MaxMessage = 32 * 1024 * 1024;

    public static async Task RunAsync(HttpContext context, WebSocketEchoConnection connection)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        connection.Opened.TrySetResult();
        using var sending = new SemaphoreSlim(1, 1);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    connection.ClosedByClient.TrySetResult((socket.CloseStatus, socket.CloseStatusDescription));
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, socket.CloseStatusDescription, context.RequestAborted);
                    }

                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxMessage)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "too big", context.RequestAborted);
                    return;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                var bytes = message.ToArray();
                message.SetLength(0);
                var text = result.MessageType == WebSocketMessageType.Text ? Encoding.UTF8.GetString(bytes) : null;
                if (text is not null && text.StartsWith("close:", StringComparison.Ordinal))
                {
                    var code = (WebSocketCloseStatus)int.Parse(text["close:".Length..], CultureInfo.InvariantCulture);
                    await SendAsync(sending, () => socket.CloseOutputAsync(code, DeviceCloseDescription, context.RequestAborted));
                }
                else if (text is not null && text.StartsWith("delay:", StringComparison.Ordinal))
                {
                    // The scenario's idle period: the device stays silent, except for pongs, then answers.
                    var delay = TimeSpan.FromMilliseconds(int.Parse(text["delay:".Length..], CultureInfo.InvariantCulture));
                    _ = Task.Run(async () =>
                    {
                        await Task.Delay(delay, context.RequestAborted);
                        await SendAsync(sending, () => socket.SendAsync("late"u8.ToArray(), WebSocketMessageType.Text, true, context.RequestAborted));
                    });
                }
                else
                {
                    await SendAsync(sending, () => socket.SendAsync(bytes, result.MessageType, true, context.RequestAborted));
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client or the relay dropped the connection without a close handshake.
            connection.ClosedByClient.TrySetResult((null, ex.GetType().Name));
        }
    }

    private static async Task SendAsync(SemaphoreSlim sending, Func<Task> send)
    {
        // One send at a time on a WebSocket: echoes and the delayed answer may overlap.
        await sending.WaitAsync();
        try
        {
            await send();
        }
        finally
        {
            sending.Release();
        }
    }
}
