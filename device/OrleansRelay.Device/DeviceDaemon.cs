using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansRelay.Device.Notifications;
using OrleansRelay.Device.Tls;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Device;

/// <summary>
/// The daemon's main loop: pick the next edge from the shuffled server list, connect, authenticate, serve relayed
/// requests until the connection ends, then back off (exponential, jittered) and try again, forever, until stopped.
/// </summary>
public sealed partial class DeviceDaemon : IDisposable
{
    private readonly DeviceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DeviceDaemon> _logger;
    private readonly IHttpRequestHandler _handler;
    private readonly LocalForwarder? _ownedForwarder;
    private readonly ReconnectBackoff _backoff;
    private readonly PendingInvalidations _pendingInvalidations = new();
    private readonly NotificationOutbox _notifications;
    private readonly object _notificationGate = new();
    private long _notificationsSentUpTo;
    private RelaySession? _session;
    private long _sessions;

    /// <summary>Creates the daemon, forwarding requests to the REST service at <see cref="DeviceOptions.LocalService"/>.</summary>
    public DeviceDaemon(DeviceOptions options, ILoggerFactory loggers, TimeProvider? time = null)
        : this(options, null, loggers, time)
    {
    }

    /// <summary>
    /// Creates the daemon for a .NET device application that answers requests in-process through <paramref name="handler"/>
    /// (null: forward to <see cref="DeviceOptions.LocalService"/>). The caller keeps ownership of the handler.
    /// </summary>
    public DeviceDaemon(DeviceOptions options, IHttpRequestHandler? handler, ILoggerFactory loggers, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = loggers.CreateLogger<DeviceDaemon>();
        if (handler is null)
        {
            _ownedForwarder = new LocalForwarder(options.LocalService, options.MaxConcurrency, options.ConnectTimeout);
        }

        _handler = handler ?? _ownedForwarder!;
        _backoff = new ReconnectBackoff(options.InitialBackoff, options.MaxBackoff);
        _notifications = options.OutboxDirectory is { } directory
            ? NotificationOutbox.Open(directory, options.OutboxMaxBytes, options.MaxPendingNotifications, _time, loggers.CreateLogger<NotificationOutbox>())
            : new NotificationOutbox(options.MaxPendingNotifications, _time);
        _notifications.Sendable += FlushNotifications;
    }

    /// <summary>What answers the device's API: the local forwarder or the application's handler. The LAN listener uses it too.</summary>
    public IHttpRequestHandler Handler => _handler;

    /// <summary>Number of sessions the edge has accepted so far (for tests and status).</summary>
    public long AcceptedSessions => Interlocked.Read(ref _sessions);

    /// <summary>Why the last session ended (for status and diagnosis).</summary>
    public string? LastSessionEnd { get; private set; }

    /// <summary>Why the last attempt to connect failed, in words (for status and diagnosis).</summary>
    public string? LastConnectFailure { get; private set; }

    /// <summary>Signals each accepted session; tests and the demo wait on it.</summary>
    public event Action<AcceptMessage>? SessionAccepted;

    /// <summary>Invalidations queued until a link to the relay can carry them.</summary>
    public int PendingInvalidations => _pendingInvalidations.Count;

    /// <summary>
    /// Tells the relay that representations under <paramref name="paths"/> changed, so it drops its cached copies.
    /// Queued while the daemon has no link (bounded; overflowing collapses to "everything") and sent on reconnect.
    /// </summary>
    /// <exception cref="ArgumentException">A path is not an origin-form path or <c>*</c>.</exception>
    public void InvalidateCache(IEnumerable<string> paths)
    {
        var list = paths.ToArray();
        foreach (var chunk in list.Chunk(CacheInvalidateMessage.MaxPaths))
        {
            if (new CacheInvalidateMessage { Paths = chunk }.Validate() is { } problem)
            {
                throw new ArgumentException(problem, nameof(paths));
            }
        }

        _pendingInvalidations.Add(list);
        FlushInvalidations();
    }

    /// <summary>Notifications waiting for the relay's acknowledgement.</summary>
    public int PendingNotifications => _notifications.Count;

    /// <summary>The notification outbox (for status and benchmarks).</summary>
    public NotificationOutbox Outbox => _notifications;

    /// <summary>
    /// Sends a notification (one line of text) to the relay, which records it, acknowledges it and pushes it to the
    /// device's subscribers. Kept until acknowledged and resent after a reconnect; with an outbox directory also across
    /// restarts and power loss. Completes when the notification is accepted (on disk, when the outbox is; many callers
    /// share one fsync) with its sequence number.
    /// </summary>
    /// <exception cref="NotificationRefusedException">Not one line, too long, the outbox full, or its disk write failed (logged).</exception>
    public async Task<long> NotifyAsync(string text)
    {
        try
        {
            return await _notifications.AddAsync(text);
        }
        catch (NotificationRefusedException ex)
        {
            Log.NotificationRefused(_logger, ex.Reason, ex.Message);
            throw;
        }
    }

    /// <summary>
    /// <see cref="NotifyAsync"/>, waiting for it: returns null when accepted, or why the text is not a notification
    /// (not one line, too long).
    /// </summary>
    /// <exception cref="NotificationRefusedException">The outbox is full or its disk write failed (logged).</exception>
    public string? Notify(string text)
    {
        try
        {
            NotifyAsync(text).GetAwaiter().GetResult();
            return null;
        }
        catch (NotificationRefusedException ex) when (ex.Reason == NotificationRefusal.Invalid)
        {
            return ex.Message;
        }
    }

    /// <summary>Runs until <paramref name="stopping"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var servers = _options.Servers.OrderBy(_ => Random.Shared.Next()).ToArray();
        var next = 0;
        while (!stopping.IsCancellationRequested)
        {
            var server = servers[next++ % servers.Length];
            TimeSpan? retryAfter = null;
            try
            {
                retryAfter = await RunSessionAsync(server, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (HandshakeRejectedException ex)
            {
                LastConnectFailure = ex.Message;
                Log.Rejected(_logger, server.ToString(), ex.Code, ex.Reason);
                retryAfter = ex.RetryAfterSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : null;
            }
            catch (EdgeTlsException ex)
            {
                LastConnectFailure = ex.Message;
                Log.TlsFailed(_logger, server.ToString(), ex.Message);
            }
            catch (Exception ex) when (ex is SocketException or IOException or ProtocolException or OperationCanceledException or ConnectionClosedException)
            {
                LastConnectFailure = ex.Message;
                Log.ConnectFailed(_logger, server.ToString(), ex.Message);
            }

            var delay = _backoff.NextDelay();
            if (retryAfter is { } wait && wait > delay)
            {
                // Honour the edge's retry-after, plus up to a quarter more so refused devices do not return in step.
                delay = wait + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * wait.TotalMilliseconds / 4);
            }

            Log.Reconnecting(_logger, delay.TotalSeconds, _backoff.Failures);
            try
            {
                await Task.Delay(delay, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        Log.Stopped(_logger);
    }

    private async Task<TimeSpan?> RunSessionAsync(ServerAddress server, CancellationToken stopping)
    {
        var info = await ReadInfoAsync(stopping);
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        connectTimeout.CancelAfter(_options.ConnectTimeout);
        await using var link = await RelayLink.ConnectAsync(server, _options.Tls, connectTimeout.Token);
        var writer = link.Sender.RunAsync(CancellationToken.None);
        try
        {
            var accept = await link.HandshakeAsync(_options.DeviceId, _options.Secret, info, HelloFeaturesOf(_handler), connectTimeout.Token);
            Interlocked.Increment(ref _sessions);
            _backoff.Reset();
            Log.Connected(_logger, server.ToString(), accept.Epoch);
            SessionAccepted?.Invoke(accept);

            var session = new RelaySession(link.Input, link.Sender, accept, _handler, _options, _time, _logger);
            session.NotificationsAcknowledged += sequence =>
            {
                _notifications.Acknowledge(sequence);
                FlushNotifications();
            };
            var run = session.RunAsync(stopping);
            lock (_notificationGate)
            {
                // A new session resends everything not acknowledged; the relay drops what it already recorded.
                _notificationsSentUpTo = 0;
                Volatile.Write(ref _session, session);
            }

            FlushInvalidations();
            FlushNotifications();
            var reason = await run;
            LastSessionEnd = reason;
            Volatile.Write(ref _session, null);
            Log.SessionEnded(_logger, server.ToString(), reason);
            if (session.GoAway?.Code is CloseCodes.Replaced or CloseCodes.CredentialsRevoked)
            {
                // Another instance holds this identity (or it was revoked): do not fight over the session.
                Log.SessionTakenOver(_logger, session.GoAway.Code, _options.MaxBackoff.TotalSeconds);
                return _options.MaxBackoff;
            }

            return session.GoAway?.RetryAfterSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : null;
        }
        finally
        {
            link.Sender.Complete();
            await writer.WaitAsync(TimeSpan.FromSeconds(5), _time, CancellationToken.None).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>What the hello announces: upgrades only when the handler can relay them (the local forwarder can).</summary>
    internal static IReadOnlyList<string>? HelloFeaturesOf(IHttpRequestHandler handler) =>
        handler is IUpgradeRequestHandler ? [HelloFeatures.Upgrade] : null;

    private void FlushNotifications()
    {
        lock (_notificationGate)
        {
            var session = Volatile.Read(ref _session);
            if (session is null)
            {
                return;
            }

            var inFlight = _notifications.CountUpTo(_notificationsSentUpTo);
            foreach (var notification in _notifications.After(_notificationsSentUpTo))
            {
                // A window of unacknowledged notifications on the wire, so the edge's queue stays bounded.
                if (inFlight++ >= NotificationMessage.MaxUnacknowledged || !session.TrySendNotification(notification))
                {
                    return;
                }

                _notificationsSentUpTo = notification.Sequence;
            }
        }
    }

    private void FlushInvalidations()
    {
        var session = Volatile.Read(ref _session);
        while (session is not null && _pendingInvalidations.Take(CacheInvalidateMessage.MaxPaths) is { Length: > 0 } batch)
        {
            if (!session.TrySendInvalidation(batch))
            {
                _pendingInvalidations.Add(batch);
                return;
            }
        }
    }

    private async Task<JsonElement?> ReadInfoAsync(CancellationToken stopping)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(_options.ConnectTimeout);
            return await DeviceInfoReader.ReadAsync(_handler, _options.InfoPath, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or OperationCanceledException && !stopping.IsCancellationRequested)
        {
            Log.InfoUnavailable(_logger, _options.InfoPath, ex.Message);
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _notifications.Dispose();
        _ownedForwarder?.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(4020, LogLevel.Warning, "Notification refused ({Reason}): {Problem}")]
        public static partial void NotificationRefused(ILogger logger, NotificationRefusal reason, string problem);

        [LoggerMessage(4000, LogLevel.Information, "Connected to edge {Server}, session epoch {Epoch}")]
        public static partial void Connected(ILogger logger, string server, long epoch);

        [LoggerMessage(4001, LogLevel.Warning, "Edge {Server} rejected this device: {Code}: {Reason}")]
        public static partial void Rejected(ILogger logger, string server, string code, string reason);

        [LoggerMessage(4002, LogLevel.Warning, "Could not connect to edge {Server}: {Detail}")]
        public static partial void ConnectFailed(ILogger logger, string server, string detail);

        [LoggerMessage(4003, LogLevel.Information, "Reconnecting in {DelaySeconds:0.0} s (attempt {Attempt})")]
        public static partial void Reconnecting(ILogger logger, double delaySeconds, int attempt);

        [LoggerMessage(4004, LogLevel.Information, "Session with edge {Server} ended: {Reason}")]
        public static partial void SessionEnded(ILogger logger, string server, string reason);

        [LoggerMessage(4005, LogLevel.Warning, "Device info {Path} unavailable ({Detail}); connecting without it")]
        public static partial void InfoUnavailable(ILogger logger, string path, string detail);

        [LoggerMessage(4007, LogLevel.Error, "The relay closed this session ({Code}): another instance with this device id is connected, or the credentials were revoked; waiting {Seconds} s before trying again")]
        public static partial void SessionTakenOver(ILogger logger, string code, double seconds);

        [LoggerMessage(4008, LogLevel.Error, "TLS to edge {Server} failed: {Detail}")]
        public static partial void TlsFailed(ILogger logger, string server, string detail);

        [LoggerMessage(4006, LogLevel.Information, "Daemon stopped")]
        public static partial void Stopped(ILogger logger);
    }
}
