using System.Net.Sockets;

namespace OrleansRelay.Device;

/// <summary>
/// The local service's answer to an upgrade request, and the connection it was sent on. It owns the response and the
/// client that sent it; disposing closes the upgraded connection.
/// </summary>
internal sealed class LocalUpgrade : IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly Func<Socket?> _socket;

    public LocalUpgrade(HttpResponseMessage response, HttpMessageInvoker invoker, Func<Socket?> socket)
    {
        Response = response;
        _invoker = invoker;
        _socket = socket;
    }

    /// <summary>The service's response; on 101 its content stream is the upgraded connection.</summary>
    public HttpResponseMessage Response { get; }

    /// <summary>
    /// Half-closes the upgraded connection: the service reads the end of its input, and can still write. False when
    /// the connection cannot be half-closed (TLS to the service, or a handler without a socket of its own); the
    /// caller then keeps it open until the service ends its half.
    /// </summary>
    public bool TryShutdownWrite()
    {
        if (_socket() is not { } socket)
        {
            return false;
        }

        try
        {
            socket.Shutdown(SocketShutdown.Send);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        Response.Dispose();
        _invoker.Dispose();
    }
}
