using System.Net;
using Microsoft.Extensions.Options;
using OrleansRelay.Edge.Hosting;

namespace OrleansRelay.Edge.Connections;

/// <summary>
/// Counts device connections in their handshake (connected, not yet authenticated) per source address, so one host
/// cannot hold many unauthenticated sockets open (<see cref="EdgeOptions.MaxPendingConnectionsPerAddress"/>).
/// </summary>
internal sealed class PendingConnections
{
    private readonly Dictionary<IPAddress, int> _pending = [];
    private readonly int _limit;

    public PendingConnections(IOptions<EdgeOptions> options)
    {
        _limit = options.Value.MaxPendingConnectionsPerAddress;
    }

    /// <summary>Registers a connection from <paramref name="address"/> in its handshake; false when the address is at its limit.</summary>
    public bool TryEnter(IPAddress? address)
    {
        if (_limit == 0 || address is null)
        {
            return true;
        }

        lock (_pending)
        {
            _pending.TryGetValue(address, out var count);
            if (count >= _limit)
            {
                return false;
            }

            _pending[address] = count + 1;
            return true;
        }
    }

    /// <summary>The handshake of a connection admitted by <see cref="TryEnter"/> ended (either way).</summary>
    public void Exit(IPAddress? address)
    {
        if (_limit == 0 || address is null)
        {
            return;
        }

        lock (_pending)
        {
            if (_pending.TryGetValue(address, out var count))
            {
                if (count <= 1)
                {
                    _pending.Remove(address);
                }
                else
                {
                    _pending[address] = count - 1;
                }
            }
        }
    }
}
