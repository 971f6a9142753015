using System.Buffers;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using OrleansRelay.Edge.Caching;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Diagnostics;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Edge.Connections;

/// <summary>
/// Terminates device TCP connections: challenge → hello with proof → the device's grain authenticates and attaches
/// the session → accept (or reject with a reason) → the session runs until it ends → the grain is told, unless a
/// newer session already replaced this one.
/// </summary>
internal sealed partial class DeviceConnectionHandler : ConnectionHandler
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly IGrainFactory _grains;
    private readonly DeviceAdmission _admission;
    private readonly PendingConnections _pending;
    private readonly EdgeLease _lease;
    private readonly CancellationToken _stopping;
    private readonly DeviceSessionRegistry _registry;
    private readonly EdgeIdentity _identity;
    private readonly EdgeOptions _options;
    private readonly EdgeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<DeviceConnectionHandler> _logger;
    private readonly CacheOptions _cacheOptions;
    private readonly CacheMetrics _cacheMetrics;

    public DeviceConnectionHandler(
        IGrainFactory grains,
        DeviceAdmission admission,
        PendingConnections pending,
        EdgeLease lease,
        IHostApplicationLifetime lifetime,
        DeviceSessionRegistry registry,
        EdgeIdentity identity,
        IOptions<EdgeOptions> options,
        EdgeMetrics metrics,
        TimeProvider time,
        IOptions<CacheOptions> cacheOptions,
        CacheMetrics cacheMetrics,
        ILogger<DeviceConnectionHandler> logger)
    {
        _cacheOptions = cacheOptions.Value;
        _cacheMetrics = cacheMetrics;
        _grains = grains;
        _admission = admission;
        _pending = pending;
        _lease = lease;
        _stopping = lifetime.ApplicationStopping;
        _registry = registry;
        _identity = identity;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    public override async Task OnConnectedAsync(ConnectionContext context)
    {
        var sender = new FrameSender(
            context.Transport.Output,
            new FrameSenderLimits(_options.MaxDeviceOutboundBytes, _options.DeviceWriteStallTimeout),
            _time);
        var writer = sender.RunAsync(context.ConnectionClosed);
        var address = SourceAddress(context);
        try
        {
            if (_stopping.IsCancellationRequested)
            {
                // Shutting down: devices told to move must not come back here.
                _metrics.Handshake("shutdown");
                Reject(sender, CloseCodes.Shutdown, "The edge is shutting down; connect to another edge.", retryAfterSeconds: 1);
                return;
            }

            if (!_pending.TryEnter(address))
            {
                // One host holding many unauthenticated sockets: refused at once, before the challenge.
                _metrics.Handshake(Limits.PendingPerAddress);
                _metrics.LimitRejected(Limits.PendingPerAddress);
                Log.TooManyPending(_logger, context.RemoteEndPoint?.ToString(), _options.MaxPendingConnectionsPerAddress);
                Reject(sender, CloseCodes.Unavailable, "Too many connections from this address are in their handshake; retry later.", retryAfterSeconds: 1 + Random.Shared.Next(5));
                return;
            }

            DeviceConnection? connection;
            try
            {
                connection = await AdmitAsync(context, sender);
            }
            finally
            {
                _pending.Exit(address);
            }

            if (connection is not null)
            {
                await RunSessionAsync(connection, sender);
            }
        }
        catch (ProtocolException ex)
        {
            Log.HandshakeFailed(_logger, context.ConnectionId, context.RemoteEndPoint?.ToString(), ex.Message);
            _metrics.Handshake("malformed");
            Reject(sender, CloseCodes.MalformedHello, ex.Message);
        }
        catch (OperationCanceledException)
        {
            // The peer disconnected during the handshake.
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException)
        {
            Log.ConnectionFailed(_logger, context.ConnectionId, ex.Message);
        }
        finally
        {
            sender.Complete();
            if (sender.OverflowReason is { } overflow)
            {
                // The device is not reading: nothing more can reach it, so do not wait for the socket to drain.
                context.Abort(new ConnectionAbortedException(overflow));
            }

            await writer.WaitAsync(DrainTimeout, _time).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private async Task<DeviceConnection?> AdmitAsync(ConnectionContext context, FrameSender sender)
    {
        if (!_admission.TryAdmit(out var retryAfter))
        {
            // Refused before any work: no nonce, no grain call. The daemon waits at least this long.
            _metrics.Handshake("throttled");
            Log.Throttled(_logger, context.RemoteEndPoint?.ToString(), retryAfter);
            Reject(sender, CloseCodes.Unavailable, "The edge is admitting new connections slowly; retry later.", retryAfter);
            return null;
        }

        return await HandshakeAsync(context, sender);
    }

    private static IPAddress? SourceAddress(ConnectionContext context) =>
        (context.RemoteEndPoint as IPEndPoint)?.Address is { } ip && ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : (context.RemoteEndPoint as IPEndPoint)?.Address;

    private async Task<DeviceConnection?> HandshakeAsync(ConnectionContext context, FrameSender sender)
    {
        var nonce = DeviceAuthentication.GenerateNonce();
        sender.TrySend(OutboundFrame.Create(FrameType.Challenge, new ChallengeMessage(ProtocolLimits.ProtocolVersion, nonce).ToPayload()));

        using var helloTimeout = CancellationTokenSource.CreateLinkedTokenSource(context.ConnectionClosed);
        helloTimeout.CancelAfter(_options.HelloTimeout);
        HelloMessage hello;
        try
        {
            hello = await ReadHelloAsync(context, helloTimeout.Token);
        }
        catch (OperationCanceledException) when (!context.ConnectionClosed.IsCancellationRequested)
        {
            Log.HelloTimeout(_logger, context.ConnectionId, context.RemoteEndPoint?.ToString(), _options.HelloTimeout);
            _metrics.Handshake("timeout");
            _metrics.LimitRejected(Limits.HandshakeTimeout);
            Reject(sender, CloseCodes.MalformedHello, $"No hello within {_options.HelloTimeout.TotalSeconds:0.#} s.");
            return null;
        }

        if (hello.Protocol != ProtocolLimits.ProtocolVersion)
        {
            _metrics.Handshake("unsupported-protocol");
            Reject(sender, CloseCodes.UnsupportedProtocol, $"This edge speaks protocol {ProtocolLimits.ProtocolVersion}, not {hello.Protocol}.");
            return null;
        }

        if (!DeviceIds.IsValid(hello.DeviceId))
        {
            _metrics.Handshake("unknown-device");
            Reject(sender, CloseCodes.UnknownDevice, "The device id is not well-formed.");
            return null;
        }

        if (context.Features.Get<ITlsConnectionFeature>()?.ClientCertificate is { } certificate
            && DeviceCertificates.DeviceIdOf(certificate) is var certifiedId && certifiedId != hello.DeviceId)
        {
            // Mutual TLS binds the connection to one device: a certificate for device A never claims device B.
            Log.CertificateMismatch(_logger, hello.DeviceId, certifiedId ?? "(none)", certificate.Subject, context.RemoteEndPoint?.ToString());
            _metrics.Handshake(CloseCodes.CertificateMismatch);
            Reject(sender, CloseCodes.CertificateMismatch, $"The client certificate ({certificate.Subject}) is not for device '{hello.DeviceId}'.");
            return null;
        }

        byte[] proof;
        try
        {
            proof = Convert.FromBase64String(hello.Proof);
        }
        catch (FormatException)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, "The hello's proof is not base64.");
        }

        var info = hello.Info is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } element ? element.GetRawText() : null;
        DeviceConnectResult result;
        try
        {
            // Admit devices only once this edge holds a lease: silos declare edges without one lost.
            await _lease.Leased.WaitAsync(_options.HelloTimeout, _time);
            result = await _grains.GetGrain<IDeviceGrain>(hello.DeviceId)
                .Connect(new DeviceConnectRequest(nonce, proof, _identity.Reference, info));
        }
        catch (Exception ex) when (ClusterFailure.Is(ex))
        {
            Log.ClusterUnavailable(_logger, hello.DeviceId, ex.GetType().Name, ex.Message);
            _metrics.Handshake("unavailable");
            Reject(sender, CloseCodes.Unavailable, "The relay cluster is unavailable; try again shortly.", retryAfterSeconds: 5);
            return null;
        }

        if (!result.Accepted)
        {
            Log.Rejected(_logger, hello.DeviceId, context.RemoteEndPoint?.ToString(), result.RejectCode ?? "?");
            _metrics.Handshake(result.RejectCode ?? "rejected");
            Reject(sender, result.RejectCode ?? CloseCodes.BadCredentials, result.RejectReason ?? "Rejected.");
            return null;
        }

        var settings = DeviceSessionSettings.From(_options);
        var connection = new DeviceConnection(
            hello.DeviceId,
            result.Epoch,
            context.ConnectionId,
            context.Transport.Input,
            sender,
            settings,
            _options.DeviceRequestTimeout,
            _time,
            _logger,
            _metrics,
            paths => _ = InvalidateCacheAsync(hello.DeviceId, paths),
            new NotificationForwarder(_grains.GetGrain<IDeviceGrain>(hello.DeviceId), hello.DeviceId, result.Epoch, sender, _time, _logger),
            _cacheOptions,
            _cacheMetrics)
        {
            SupportsUpgrade = hello.HasFeature(HelloFeatures.Upgrade),
        };
        _metrics.Handshake("accepted");
        Log.Accepted(_logger, hello.DeviceId, result.Epoch, context.RemoteEndPoint?.ToString());
        return connection;
    }

    private async Task RunSessionAsync(DeviceConnection connection, FrameSender sender)
    {
        var displaced = _registry.Add(connection);
        displaced?.Close(CloseCodes.Replaced, "A newer connection of this device replaced this one.");
        _metrics.DeviceConnected();
        try
        {
            if (ReferenceEquals(displaced, connection))
            {
                return;
            }

            // Accepted only once the session is in the registry: a device that sees its accept may be asked for at
            // once, and this edge must then find the session here (it answered 503 in that gap).
            sender.TrySend(HandshakeJson.ToFrame(FrameType.Accept, DeviceSessionSettings.From(_options).ToAccept(connection.Epoch), WireJsonContext.Default.AcceptMessage));

            await connection.RunAsync();
        }
        finally
        {
            _metrics.DeviceDisconnected();
            _registry.Remove(connection);
            Log.SessionEnded(_logger, connection.DeviceId, connection.Epoch, connection.CloseReason);
            try
            {
                await _grains.GetGrain<IDeviceGrain>(connection.DeviceId).Disconnect(connection.Epoch, connection.CloseReason);
            }
            catch (Exception ex) when (ClusterFailure.Is(ex))
            {
                // The grain also clears a session whose edge says it is gone, on the next relay.
                Log.DisconnectNotRecorded(_logger, connection.DeviceId, ex.GetType().Name);
            }
        }
    }

    private async Task<HelloMessage> ReadHelloAsync(ConnectionContext context, CancellationToken cancellationToken)
    {
        var frame = await FrameReadLoop.ReadOneAsync(context.Transport.Input, _options.MaxHelloPayload, cancellationToken)
            ?? throw new OperationCanceledException("The device closed the connection before its hello.");
        if (frame.Type != FrameType.Hello)
        {
            throw new ProtocolException(ProtocolErrorCode.UnexpectedFrame, $"Expected a hello, got {frame.Type}.");
        }

        return HandshakeJson.Parse(new ReadOnlySequence<byte>(frame.Payload), WireJsonContext.Default.HelloMessage);
    }

    private async Task InvalidateCacheAsync(string deviceId, string[] paths)
    {
        // The cache lives beside the socket: the device's invalidation never leaves this edge.
        if (_registry.TryGet(deviceId, out var connection))
        {
            await connection.Relay.InvalidateAsync(paths);
        }
    }

    private static void Reject(FrameSender sender, string code, string reason, int? retryAfterSeconds = null) =>
        sender.TrySend(HandshakeJson.ToFrame(
            FrameType.Reject,
            new CloseMessage { Code = code, Reason = reason, RetryAfterSeconds = retryAfterSeconds },
            WireJsonContext.Default.CloseMessage));

    private static partial class Log
    {
        [LoggerMessage(2000, LogLevel.Information, "Device {DeviceId} accepted with epoch {Epoch} from {RemoteEndPoint}")]
        public static partial void Accepted(ILogger logger, string deviceId, long epoch, string? remoteEndPoint);

        [LoggerMessage(2001, LogLevel.Warning, "Device {DeviceId} from {RemoteEndPoint} rejected: {Code}")]
        public static partial void Rejected(ILogger logger, string deviceId, string? remoteEndPoint, string code);

        [LoggerMessage(2002, LogLevel.Warning, "Handshake on connection {ConnectionId} from {RemoteEndPoint} failed: {Detail}")]
        public static partial void HandshakeFailed(ILogger logger, string connectionId, string? remoteEndPoint, string detail);

        [LoggerMessage(2003, LogLevel.Warning, "Connection {ConnectionId} from {RemoteEndPoint} sent no hello within {Timeout}")]
        public static partial void HelloTimeout(ILogger logger, string connectionId, string? remoteEndPoint, TimeSpan timeout);

        [LoggerMessage(2004, LogLevel.Error, "Cluster unavailable while authenticating device {DeviceId}: {Exception}: {Detail}")]
        public static partial void ClusterUnavailable(ILogger logger, string deviceId, string exception, string detail);

        [LoggerMessage(2005, LogLevel.Information, "Device {DeviceId} session {Epoch} ended: {Reason}")]
        public static partial void SessionEnded(ILogger logger, string deviceId, long epoch, string reason);

        [LoggerMessage(2006, LogLevel.Warning, "Device {DeviceId}: disconnect not recorded in the grain ({Exception})")]
        public static partial void DisconnectNotRecorded(ILogger logger, string deviceId, string exception);


        [LoggerMessage(2009, LogLevel.Debug, "Connection from {RemoteEndPoint} refused by admission control; retry after {RetryAfter} s")]
        public static partial void Throttled(ILogger logger, string? remoteEndPoint, int retryAfter);

        [LoggerMessage(2010, LogLevel.Warning, "Device {DeviceId} from {RemoteEndPoint} rejected: its client certificate {Subject} is for device {CertifiedId}")]
        public static partial void CertificateMismatch(ILogger logger, string deviceId, string certifiedId, string subject, string? remoteEndPoint);

        [LoggerMessage(2011, LogLevel.Warning, "Connection from {RemoteEndPoint} refused: {Limit} connections from its address are already in their handshake")]
        public static partial void TooManyPending(ILogger logger, string? remoteEndPoint, int limit);

        [LoggerMessage(2007, LogLevel.Debug, "Connection {ConnectionId} failed: {Detail}")]
        public static partial void ConnectionFailed(ILogger logger, string connectionId, string detail);
    }
}
