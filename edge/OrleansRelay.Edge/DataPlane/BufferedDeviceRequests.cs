using System.Net.Http.Headers;
using OrleansRelay.Edge.Connections;
using OrleansRelay.Edge.Relaying;

namespace OrleansRelay.Edge.DataPlane;

/// <summary>
/// A small request the edge itself sends to a device (e.g. device-level sign-in) with the whole answer in memory: on
/// this edge's session when it holds the socket, otherwise through the owning edge's data plane, like any relay.
/// </summary>
internal sealed class BufferedDeviceRequests
{
    private readonly DeviceSessionRegistry _sessions;
    private readonly DeviceRoutes _routes;
    private readonly EdgeIdentity _identity;
    private readonly PeerEdgeClient _peers;
    private readonly DataPlaneKey _key;

    public BufferedDeviceRequests(DeviceSessionRegistry sessions, DeviceRoutes routes, EdgeIdentity identity, PeerEdgeClient peers, DataPlaneKey key)
    {
        _sessions = sessions;
        _routes = routes;
        _identity = identity;
        _peers = peers;
        _key = key;
    }

    /// <summary>Sends <paramref name="request"/>; the response body is read up to <paramref name="maxBody"/> bytes (502 beyond).</summary>
    public async Task<RelayResponse> SendAsync(string deviceId, RelayRequest request, int maxBody, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (_sessions.TryGet(deviceId, out var connection) && !connection.IsClosing)
            {
                return await ReadWholeAsync(await connection.Relay.SendAsync(request, cancellationToken), maxBody, cancellationToken);
            }

            var route = await _routes.ResolveAsync(deviceId);
            if (!route.Registered)
            {
                return RelayResponse.Failure(RelayError.UnknownDevice, "Unknown device.");
            }

            if (!route.Online || route.DataPlaneUrl is null || route.EdgeId == _identity.EdgeId)
            {
                return RelayResponse.Failure(RelayError.DeviceOffline, "The device is offline.");
            }

            using var message = new HttpRequestMessage(new HttpMethod(request.Method), route.DataPlaneUrl + DataPlaneEndpoint.Target(deviceId, route.Epoch, request.PathAndQuery))
            {
                Version = System.Net.HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new ByteArrayContent(request.Body),
            };
            message.Headers.TryAddWithoutValidation(RelayHeaders.EdgeKey, _key.Value);
            foreach (var (name, value) in request.Headers)
            {
                if (!message.Headers.TryAddWithoutValidation(name, value))
                {
                    message.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            HttpResponseMessage response;
            try
            {
                response = await _peers.Invoker.SendAsync(message, cancellationToken).WaitAsync(request.Timeout + TimeSpan.FromSeconds(5), cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException)
            {
                _routes.Forget(deviceId, route);
                continue;
            }

            using (response)
            {
                if (response.Headers.TryGetValues(RelayHeaders.RouteStatus, out var status) && status.Contains("stale"))
                {
                    _routes.Forget(deviceId, route);
                    continue;
                }

                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (body.Length > maxBody)
                {
                    return RelayResponse.Failure(RelayError.ResponseTooLarge, $"The device's answer exceeds {maxBody} bytes.");
                }

                return new RelayResponse((int)response.StatusCode, response.ReasonPhrase ?? string.Empty, Headers(response.Headers, response.Content.Headers), body, RelayError.None, null);
            }
        }

        return RelayResponse.Failure(RelayError.DeviceOffline, "The device's session moved or ended while the request was on its way.");
    }

    private static KeyValuePair<string, string>[] Headers(HttpResponseHeaders headers, HttpContentHeaders content) =>
        [.. headers.Concat(content).SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)))];

    private static async Task<RelayResponse> ReadWholeAsync(RelayResponse response, int maxBody, CancellationToken cancellationToken)
    {
        if (response.BodyStream is not { } stream)
        {
            return response;
        }

        await using (stream)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBody)
                {
                    return RelayResponse.Failure(RelayError.ResponseTooLarge, $"The device's answer exceeds {maxBody} bytes.");
                }

                buffer.Write(chunk, 0, read);
            }

            return response with { Body = buffer.ToArray(), BodyStream = null };
        }
    }
}
