using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Silo.Edges;
using OrleansRelay.Silo.Events;
using OrleansRelay.Silo.Hosting;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Silo.Grains;

/// <summary>
/// The device's actor: the control plane of its relay. Registration is persisted; the session is volatile on purpose:
/// edges re-announce the sockets they hold (<see cref="Reattach"/>), so a lost activation rebuilds itself without a
/// storage write per connect. The grain answers where the device's requests go (<see cref="GetRoute"/>) and tells
/// the edges that asked whenever that changes; the request bytes never pass through it.
/// </summary>
internal sealed partial class DeviceGrain : Grain, IDeviceGrain
{
    private readonly IPersistentState<DeviceRegistration> _registration;
    private readonly TimeProvider _time;
    private readonly ILogger<DeviceGrain> _logger;
    private readonly EdgeLivenessMonitor _edges;
    private readonly DeviceEventLog _events;
    private readonly Events.Streams.DeviceEventPublisher _stream;
    private readonly Dictionary<string, (EdgeRef Edge, DateTimeOffset Since)> _eventSubscribers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (EdgeRef Edge, DateTimeOffset Since)> _routeWatchers = new(StringComparer.Ordinal);
    private CancellationTokenSource? _edgeWatch;
    private static readonly TimeSpan LocateTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a new session waits for the edge of the session it replaces to stop taking requests. Bounded: an edge
    /// that cannot answer in this time is dead or cut off, and its lease runs out within three lease intervals anyway.
    /// </summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Bound on cache operations forwarded to the owning edge.</summary>
    private static readonly TimeSpan EdgeCallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// While a device is connected its grain is kept from idle collection for this long, renewed by every connect and
    /// re-announcement (edges re-announce every minute by default), so a quiet device never pays a re-activation.
    /// </summary>
    private static readonly TimeSpan KeepAliveWhileConnected = TimeSpan.FromMinutes(10);

    private DeviceSession? _session;
    private long _lastEpoch;

    /// <summary>The current route's revision (<see cref="DeviceRoute.Revision"/>): bumped by every change.</summary>
    private long _routeRevision;

    private Task _locating = Task.CompletedTask;

    /// <summary>
    /// The account this activation bound the device to, once the account said the binding is settled: later connects
    /// naming the same address skip the bind, so a reconnect (an edge restart moves every device) neither activates
    /// the account grain nor reads its state again.
    /// </summary>
    private string? _boundOwner;

    public DeviceGrain(
        [PersistentState("registration", RelaySiloDefaults.DeviceStorageName)] IPersistentState<DeviceRegistration> registration,
        TimeProvider time,
        EdgeLivenessMonitor edges,
        IDeviceEventStore eventStore,
        IOptions<EventOptions> eventOptions,
        Events.Streams.DeviceEventPublisher stream,
        ILogger<DeviceGrain> logger)
    {
        _stream = stream;
        _registration = registration;
        _edges = edges;
        _events = new DeviceEventLog(this.GetPrimaryKeyString(), eventStore, eventOptions.Value, time);
        _events.TrimFailed += ex => Log.EventTrimFailed(logger, this.GetPrimaryKeyString(), ex.GetType().Name);
        _time = time;
        _logger = logger;
    }

    private string DeviceId => this.GetPrimaryKeyString();

    private bool IsRegistered => _registration.State.Registered;

    public async ValueTask<DeviceProvisioning> Provision(string? name, bool rotateSecret)
    {
        if (!DeviceIds.IsValid(DeviceId))
        {
            throw new ArgumentException($"'{DeviceId}' is not a valid device id.");
        }

        if (IsRegistered && !rotateSecret)
        {
            return new DeviceProvisioning(false, null);
        }

        var secret = DeviceAuthentication.GenerateSecret();
        var state = _registration.State;
        var rotated = state.Registered;
        var wasOnline = _session is not null;
        state.StoredKey = DeviceAuthentication.ComputeStoredKey(secret);
        state.Name = name ?? state.Name;
        if (!state.Registered)
        {
            state.Registered = true;
            state.RegisteredAt = _time.GetUtcNow();
        }

        await PersistAsync(() => _registration.WriteStateAsync());
        if (rotated)
        {
            await CloseSessionAsync(SessionCloseReason.CredentialsRevoked);
        }

        IndexDevice(!rotated ? Contracts.Model.Fleet.DeviceIndexEntry.NeverConnected : wasOnline ? PresenceReasons.CredentialsRevoked : null);

        Log.Provisioned(_logger, DeviceId, rotated);
        return new DeviceProvisioning(true, secret);
    }

    public async ValueTask<bool> Deregister()
    {
        if (!IsRegistered)
        {
            return false;
        }

        await CloseSessionAsync(SessionCloseReason.CredentialsRevoked);
        _boundOwner = null;
        var owner = _registration.State.Email;
        var hadWebhooks = _registration.State.HasWebhooks;
        await PersistAsync(() => _registration.ClearStateAsync());
        if (hadWebhooks)
        {
            // Its webhooks outlive the registration (they are the registry's): provisioned again, the device keeps them.
            _registration.State.HasWebhooks = true;
            await PersistAsync(() => _registration.WriteStateAsync());
        }

        if (owner is not null)
        {
            // The account no longer lists it; provisioned again, the device binds on its next connect.
            try
            {
                await GrainFactory.GetGrain<IAccountGrain>(owner).UnbindDevice(DeviceId);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The registration is gone either way; listings re-check each entry against the device.
                Log.OwnerUnbindFailed(_logger, DeviceId, ex.GetType().Name, ex.Message);
            }
        }

        // Edges cache the route with its owner, offline too: they must learn the device is gone.
        PublishRoute();
        IndexDevice();
        Log.Deregistered(_logger, DeviceId);
        DeactivateOnIdle();
        return true;
    }

    public async ValueTask<DeviceStatus> GetStatus()
    {
        // A fresh activation may still be asking the edges for the session (requests do not wait for it any more:
        // they flow on the edges' cached routes), so status does, bounded, rather than say "offline" wrongly.
        await WaitForLocateAsync();
        var state = _registration.State;
        var session = _session;
        if (!state.Registered)
        {
            DeactivateOnIdle();
        }

        return new DeviceStatus(
            DeviceId,
            state.Registered,
            state.Name,
            session is not null,
            session?.Edge.EdgeId,
            session?.Epoch,
            session?.ConnectedAt,
            session?.InfoJson,
            state.Registered ? state.RegisteredAt : null);
    }

    public ValueTask<DeviceOwnership> GetOwnership()
    {
        var state = _registration.State;
        return ValueTask.FromResult(state.Registered ? new DeviceOwnership(true, state.Email, state.ApiAuthPath, state.InfoName ?? state.Name) : new DeviceOwnership(false, null, null, null));
    }

    public async ValueTask<DeviceConnectResult> Connect(DeviceConnectRequest request)
    {
        if (!IsRegistered)
        {
            DeactivateOnIdle();
            Log.ConnectRejected(_logger, DeviceId, CloseCodes.UnknownDevice, request.Edge.EdgeId);
            return new DeviceConnectResult(false, 0, CloseCodes.UnknownDevice, "No device with this id is provisioned.");
        }

        if (!DeviceAuthentication.VerifyProof(_registration.State.StoredKey, request.Nonce, DeviceId, request.Proof))
        {
            Log.ConnectRejected(_logger, DeviceId, CloseCodes.BadCredentials, request.Edge.EdgeId);
            return new DeviceConnectResult(false, 0, CloseCodes.BadCredentials, "The proof does not match the device's secret.");
        }

        var epoch = NextEpoch();
        var previous = _session;
        var info = Accounts.DeviceInfo.Parse(request.InfoJson);
        _session = new DeviceSession(epoch, request.Edge, _time.GetUtcNow(), request.InfoJson, Contracts.Model.Accounts.AccountEmails.Normalize(info.Email));
        if (previous is not null)
        {
            Log.SessionReplaced(_logger, DeviceId, previous.Epoch, previous.Edge.EdgeId, epoch, request.Edge.EdgeId);
            // Before the new session is accepted, the old one stops taking requests: an edge still holding a cached
            // route to it then finds it gone and asks again, so no request is answered by the old session afterwards.
            await TellEdgeToCloseAsync(previous, SessionCloseReason.Replaced);
        }

        PublishRoute();

        DelayDeactivation(KeepAliveWhileConnected);
        Log.Connected(_logger, DeviceId, epoch, request.Edge.EdgeId);
        WatchEdge(_session);
        await BindOwnerAsync(info);
        IndexDevice();
        if (previous is null)
        {
            await PublishPresenceAsync(online: true, "connected");
        }

        return new DeviceConnectResult(true, epoch, null, null);
    }

    /// <summary>
    /// Binds the device to the address its hello names (and remembers its <c>apiAuthPath</c>). Storage is written only
    /// when either changed. The account is told on every connect until it answers that the binding is settled (bound,
    /// and confirmed or mailed), so a confirmation mail that failed to go out is retried on the next connect; after
    /// that, only when the address changes or the grain is activated again.
    /// </summary>
    private async Task BindOwnerAsync(Accounts.DeviceInfo info)
    {
        var email = Contracts.Model.Accounts.AccountEmails.Normalize(info.Email);
        if (info.Email is not null && email is null)
        {
            Log.BadOwnerEmail(_logger, DeviceId);
        }

        var authPath = info.ApiAuthPath is { } path && path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal) && path.All(c => c > ' ' && c < 127)
            ? path
            : null;
        var state = _registration.State;
        var (previous, previousPath, previousName, previousOwnerWebhooks) = (state.Email, state.ApiAuthPath, state.InfoName, state.OwnerHasWebhooks);
        var name = info.Name is { Length: <= 200 } infoName ? infoName : null;
        try
        {
            if (previous != email || previousPath != authPath || previousName != name)
            {
                state.Email = email;
                state.ApiAuthPath = authPath;
                state.InfoName = name;
                if (previous != email)
                {
                    // The new account tells the device in Bind below if it has account-wide webhooks.
                    state.OwnerHasWebhooks = false;
                }

                await _registration.WriteStateAsync();
                if (previous is not null && previous != email)
                {
                    await GrainFactory.GetGrain<IAccountGrain>(previous).UnbindDevice(DeviceId);
                }
            }

            if (email is null)
            {
                _boundOwner = null;
            }
            else if (email != _boundOwner)
            {
                // Not awaited: the account may be sending its confirmation mail, and a connect never waits on SMTP.
                _ = BindAccountAsync(email);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The session stands; the binding is retried on the next connect.
            (state.Email, state.ApiAuthPath, state.InfoName, state.OwnerHasWebhooks) = (previous, previousPath, previousName, previousOwnerWebhooks);
            Log.OwnerBindFailed(_logger, DeviceId, ex.GetType().Name, ex.Message);
        }
    }

    private async Task BindAccountAsync(string email)
    {
        try
        {
            if (await GrainFactory.GetGrain<IAccountGrain>(email).Bind(DeviceId) && _registration.State.Email == email)
            {
                _boundOwner = email;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.OwnerBindFailed(_logger, DeviceId, ex.GetType().Name, ex.Message);
        }
    }

    public ValueTask<bool> Reattach(DeviceSessionRef session)
    {
        if (!IsRegistered)
        {
            return ValueTask.FromResult(false);
        }

        var current = _session;
        if (current is not null && current.Epoch > session.Epoch)
        {
            return ValueTask.FromResult(false);
        }

        if (current is null || current.Epoch < session.Epoch)
        {
            if (current is not null)
            {
                _ = TellEdgeToCloseAsync(current, SessionCloseReason.Replaced);
            }

            _session = new DeviceSession(session.Epoch, session.Edge, session.ConnectedAt, current?.InfoJson, _registration.State.Email);
            _lastEpoch = Math.Max(_lastEpoch, session.Epoch);
            WatchEdge(_session);
            Log.Reattached(_logger, DeviceId, session.Epoch, session.Edge.EdgeId);
            PublishRoute();
            IndexDevice();
        }
        else if (current.Edge != session.Edge)
        {
            // Same epoch: refresh the edge reference (an edge may re-create its observer after reconnecting).
            _session = current with { Edge = session.Edge };
            PublishRoute();
        }

        DelayDeactivation(KeepAliveWhileConnected);
        RefreshIndex();
        return ValueTask.FromResult(true);
    }

    public async ValueTask Disconnect(long epoch, string reason)
    {
        if (_session?.Epoch == epoch)
        {
            _session = null;
            _edgeWatch?.Cancel();
            Log.Disconnected(_logger, DeviceId, epoch, reason);
            PublishRoute();
            IndexDevice(PresenceReasons.FromDisconnect(reason));
            await PublishPresenceAsync(online: false, PresenceReasons.FromDisconnect(reason));
        }
        else
        {
            Log.StaleDisconnectIgnored(_logger, DeviceId, epoch, _session?.Epoch);
        }
    }

    public async ValueTask<long> RecordNotifications(long epoch, DeviceNotification[] notifications)
    {
        if (!IsRegistered)
        {
            return 0;
        }

        DeviceEvent[] recorded;
        try
        {
            recorded = await _events.AppendNotificationsAsync(notifications);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.EventStoreFailed(_logger, DeviceId, ex.GetType().Name, ex.Message);
            throw new RegistryUnavailableException($"The device's event log could not be written: {ex.Message}");
        }

        Publish(recorded);
        if (recorded.Length > 0)
        {
            IndexNotification(recorded[^1].At);
        }

        return _events.LastSequence;
    }

    public ValueTask<DeviceEventPage> GetEvents(long afterId, int max) =>
        ValueTask.FromResult(_events.Read(afterId, Math.Clamp(max, 1, 10_000)));

    public ValueTask<DeviceEventPage> SubscribeEvents(EdgeRef edge, long afterId)
    {
        _eventSubscribers[edge.EdgeId] = (edge, _time.GetUtcNow());
        return ValueTask.FromResult(_events.Read(afterId, int.MaxValue));
    }

    public ValueTask UnsubscribeEvents(string edgeId)
    {
        _eventSubscribers.Remove(edgeId);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<DeviceRoute> GetRoute(EdgeRef asker)
    {
        if (!IsRegistered)
        {
            DeactivateOnIdle();
            return DeviceRoute.Unknown;
        }

        _routeWatchers[asker.EdgeId] = (asker, _time.GetUtcNow());
        await WaitForLocateAsync();
        return CurrentRoute();
    }

    /// <summary>Waits for the search for a live session after activation, bounded by the search's own timeout.</summary>
    private async Task WaitForLocateAsync()
    {
        if (_session is null && !_locating.IsCompleted)
        {
            await Task.WhenAny(_locating, Task.Delay(LocateTimeout, _time));
        }
    }

    public async ValueTask<int> InvalidateCache(string[] paths)
    {
        var removed = await OnSessionEdgeAsync(s => s.Edge.Observer.InvalidateCache(DeviceId, s.Epoch, paths), 0);
        Log.CacheInvalidated(_logger, DeviceId, paths.Length, removed);
        return removed;
    }

    public async ValueTask<DeviceCacheView> GetCache() =>
        await OnSessionEdgeAsync(s => s.Edge.Observer.GetCache(DeviceId, s.Epoch), null) ?? new DeviceCacheView(0, 0, []);

    public async ValueTask<int> PurgeCache()
    {
        var removed = await OnSessionEdgeAsync(s => s.Edge.Observer.PurgeCache(DeviceId, s.Epoch), 0);
        Log.CachePurged(_logger, DeviceId, removed);
        return removed;
    }

    /// <summary>
    /// Runs a cache operation on the edge holding the session: the cache lives beside the device's socket. Without a
    /// session (or when that edge does not answer in time) there is no cache to act on.
    /// </summary>
    private async Task<T> OnSessionEdgeAsync<T>(Func<DeviceSession, Task<T>> call, T none)
    {
        var session = _session;
        if (session is null || _edges.IsLost(session.Edge.EdgeId, session.ConnectedAt))
        {
            return none;
        }

        try
        {
            return await call(session).WaitAsync(EdgeCallTimeout, _time);
        }
        catch (Exception ex) when (IsEdgeUnreachable(ex))
        {
            Log.EdgeUnreachable(_logger, DeviceId, session.Edge.EdgeId, ex.GetType().Name);
            return none;
        }
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (IsRegistered)
        {
            await _events.LoadAsync(cancellationToken);

            // A fresh activation of a provisioned device (first use, idle collection, or its silo died): the device
            // may well be connected to some edge. Ask the live edges instead of waiting for the next re-announcement.
            _locating = LocateSessionAsync();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _edgeWatch?.Cancel();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The route edges get: the live session's edge, unless that edge lost its lease (the session is kept then, so a
    /// falsely declared edge that renews serves its devices again at once; the device reconnecting elsewhere replaces it).
    /// </summary>
    private DeviceRoute CurrentRoute()
    {
        if (!IsRegistered)
        {
            return DeviceRoute.Unknown;
        }

        var session = _session;
        if (session is null || _edges.IsLost(session.Edge.EdgeId, session.ConnectedAt))
        {
            // Offline routes carry the last epoch seen, so an edge can tell "that session ended" from an older offline route.
            return new DeviceRoute(true, null, session?.Epoch ?? _lastEpoch, null, null, _registration.State.Email, _routeRevision);
        }

        return new DeviceRoute(true, session.Edge.EdgeId, session.Epoch, session.Edge.DataPlaneUrl, session.Edge.DataPlaneUpgradeUrl, session.Owner, _routeRevision);
    }

    /// <summary>Tells every edge that asked for the route what it is now (one-way; a lost edge is forgotten).</summary>
    private void PublishRoute()
    {
        // Every change gets a later revision, told or not: an edge that asks later must not take an older push for newer.
        _routeRevision = Math.Max(_time.GetUtcNow().UtcTicks, _routeRevision + 1);
        if (_routeWatchers.Count == 0)
        {
            return;
        }

        var route = CurrentRoute();
        TellEach(_routeWatchers, observer => observer.RouteChanged(DeviceId, route));
    }

    /// <summary>Sends a one-way call to every edge of <paramref name="edges"/>; an edge declared lost is forgotten instead.</summary>
    private void TellEach(Dictionary<string, (EdgeRef Edge, DateTimeOffset Since)> edges, Func<IEdgeObserver, Task> send)
    {
        foreach (var (edgeId, (edge, since)) in edges.ToArray())
        {
            if (_edges.IsLost(edgeId, since))
            {
                edges.Remove(edgeId);
                continue;
            }

            try
            {
                _ = send(edge.Observer);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.DeliveryFailed(_logger, DeviceId, edgeId, ex.GetType().Name);
            }
        }
    }

    /// <summary>The failures by which Orleans reports that an edge (or the silo on the way to it) cannot be reached.</summary>
    private static bool IsEdgeUnreachable(Exception ex) =>
        ex is TimeoutException or ClientNotAvailableException or OrleansMessageRejectionException or SiloUnavailableException;

    private async Task LocateSessionAsync()
    {
        try
        {
            var edges = await GrainFactory.GetGrain<IEdgeRegistryGrain>(IEdgeRegistryGrain.Key).GetLiveEdges().AsTask().WaitAsync(LocateTimeout, _time);
            var answers = await Task.WhenAll(edges.Select(async edge =>
            {
                try
                {
                    return (Edge: edge, Held: await edge.Observer.FindSession(DeviceId).WaitAsync(LocateTimeout, _time));
                }
                catch (Exception ex) when (IsEdgeUnreachable(ex))
                {
                    return (Edge: edge, Held: (HeldSession?)null);
                }
            }));
            var found = answers.Where(a => a.Held is not null).MaxBy(a => a.Held!.Epoch);
            if (found.Held is { } held && (_session is null || _session.Epoch < held.Epoch))
            {
                _session = new DeviceSession(held.Epoch, found.Edge, held.ConnectedAt, _session?.InfoJson, _registration.State.Email);
                _lastEpoch = Math.Max(_lastEpoch, held.Epoch);
                DelayDeactivation(KeepAliveWhileConnected);
                Log.Located(_logger, DeviceId, held.Epoch, found.Edge.EdgeId);
                PublishRoute();
                IndexDevice();
            }
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            Log.LocateFailed(_logger, DeviceId, ex.GetType().Name);
        }
    }

    private async Task PublishPresenceAsync(bool online, string reason)
    {
        try
        {
            Publish([await _events.AppendPresenceAsync(online, reason)]);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Presence is state, not data: a change that cannot be stored is not published (ids must never repeat).
            Log.EventStoreFailed(_logger, DeviceId, ex.GetType().Name, ex.Message);
        }
    }

    private void Publish(DeviceEvent[] events)
    {
        if (events.Length == 0)
        {
            return;
        }

        TellEach(_eventSubscribers, observer => observer.DeliverEvents(DeviceId, events));
        _stream.Publish(DeviceId, events, toWebhooks: HasAnyWebhooks);
    }

    /// <summary>
    /// Publishes "offline, edge lost" if the session's edge loses its lease while the session is current. One watch at
    /// a time, cancelled when the session ends or the grain deactivates, so no continuation outlives its session.
    /// </summary>
    private void WatchEdge(DeviceSession session)
    {
        _edgeWatch?.Cancel();
        _edgeWatch = new CancellationTokenSource();
        _ = WatchForEdgeLossAsync(session, _edgeWatch.Token);
    }

    private async Task WatchForEdgeLossAsync(DeviceSession session, CancellationToken sessionEnded)
    {
        try
        {
            await _edges.WhenLost(session.Edge.EdgeId).WaitAsync(sessionEnded);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (_session?.Epoch == session.Epoch)
        {
            PublishRoute();
            IndexDevice(PresenceReasons.EdgeLost);
            await PublishPresenceAsync(online: false, PresenceReasons.EdgeLost);
        }
    }

    /// <summary>
    /// Storage failures reach callers as opaque codec errors (MySqlException has no Orleans codec), so they are
    /// translated here into one serializable exception the edge maps to 503.
    /// </summary>
    private async Task PersistAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception ex) when (ex is not (Orleans.Storage.InconsistentStateException or OperationCanceledException))
        {
            Log.StorageFailed(_logger, DeviceId, ex.GetType().Name, ex.Message);
            throw new RegistryUnavailableException($"The device registry could not be written: {ex.Message}");
        }
    }

    private long NextEpoch()
    {
        // Later sessions get larger epochs even across deactivations: wall-clock ticks, forced past the last one seen.
        _lastEpoch = Math.Max(_time.GetUtcNow().UtcTicks, _lastEpoch + 1);
        return _lastEpoch;
    }

    private async Task CloseSessionAsync(SessionCloseReason reason)
    {
        var session = _session;
        if (session is not null)
        {
            _session = null;
            PublishRoute();
            await TellEdgeToCloseAsync(session, reason);
        }
    }

    /// <summary>Tells the session's edge to close it (the edge tells the device why) and waits, bounded, until it takes no new requests.</summary>
    private async Task TellEdgeToCloseAsync(DeviceSession session, SessionCloseReason reason)
    {
        try
        {
            await session.Edge.Observer.CloseSession(DeviceId, session.Epoch, reason).WaitAsync(CloseTimeout, _time);
        }
        catch (Exception ex)
        {
            Log.CloseSessionFailed(_logger, DeviceId, session.Edge.EdgeId, ex.GetType().Name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1000, LogLevel.Information, "Device {DeviceId} provisioned (secret rotated: {Rotated})")]
        public static partial void Provisioned(ILogger logger, string deviceId, bool rotated);

        [LoggerMessage(1001, LogLevel.Information, "Device {DeviceId} deregistered")]
        public static partial void Deregistered(ILogger logger, string deviceId);

        [LoggerMessage(1002, LogLevel.Warning, "Device {DeviceId} connection from edge {EdgeId} rejected: {Code}")]
        public static partial void ConnectRejected(ILogger logger, string deviceId, string code, string edgeId);

        [LoggerMessage(1003, LogLevel.Information, "Device {DeviceId} connected on edge {EdgeId} with epoch {Epoch}")]
        public static partial void Connected(ILogger logger, string deviceId, long epoch, string edgeId);

        [LoggerMessage(1004, LogLevel.Information, "Device {DeviceId} session {OldEpoch} on edge {OldEdgeId} replaced by {NewEpoch} on edge {NewEdgeId}")]
        public static partial void SessionReplaced(ILogger logger, string deviceId, long oldEpoch, string oldEdgeId, long newEpoch, string newEdgeId);

        [LoggerMessage(1005, LogLevel.Information, "Device {DeviceId} session {Epoch} re-attached from edge {EdgeId}")]
        public static partial void Reattached(ILogger logger, string deviceId, long epoch, string edgeId);

        [LoggerMessage(1006, LogLevel.Information, "Device {DeviceId} session {Epoch} ended: {Reason}")]
        public static partial void Disconnected(ILogger logger, string deviceId, long epoch, string reason);

        [LoggerMessage(1007, LogLevel.Debug, "Device {DeviceId}: ignored disconnect of stale session {Epoch} (current {CurrentEpoch})")]
        public static partial void StaleDisconnectIgnored(ILogger logger, string deviceId, long epoch, long? currentEpoch);

        [LoggerMessage(1008, LogLevel.Warning, "Device {DeviceId}: edge {EdgeId} unreachable ({Exception}); session cleared")]
        public static partial void EdgeUnreachable(ILogger logger, string deviceId, string edgeId, string exception);

        [LoggerMessage(1009, LogLevel.Warning, "Device {DeviceId}: could not tell edge {EdgeId} to close the session ({Exception})")]
        public static partial void CloseSessionFailed(ILogger logger, string deviceId, string edgeId, string exception);

        [LoggerMessage(1012, LogLevel.Information, "Device {DeviceId} session {Epoch} found on edge {EdgeId} after activation")]
        public static partial void Located(ILogger logger, string deviceId, long epoch, string edgeId);

        [LoggerMessage(1013, LogLevel.Warning, "Device {DeviceId}: could not ask the edges for its session ({Exception})")]
        public static partial void LocateFailed(ILogger logger, string deviceId, string exception);

        [LoggerMessage(1014, LogLevel.Error, "Device {DeviceId}: registry storage failed ({Exception}): {Detail}")]
        public static partial void StorageFailed(ILogger logger, string deviceId, string exception, string detail);

        [LoggerMessage(1015, LogLevel.Error, "Device {DeviceId}: event log storage failed ({Exception}): {Detail}")]
        public static partial void EventStoreFailed(ILogger logger, string deviceId, string exception, string detail);

        [LoggerMessage(1016, LogLevel.Warning, "Device {DeviceId}: trimming old events failed ({Exception}); retried later")]
        public static partial void EventTrimFailed(ILogger logger, string deviceId, string exception);

        [LoggerMessage(1017, LogLevel.Warning, "Device {DeviceId}: could not push events to edge {EdgeId} ({Exception})")]
        public static partial void DeliveryFailed(ILogger logger, string deviceId, string edgeId, string exception);

        [LoggerMessage(1030, LogLevel.Warning, "Device {DeviceId}: the e-mail address in its device info is not a plain address; not bound")]
        public static partial void BadOwnerEmail(ILogger logger, string deviceId);

        [LoggerMessage(1033, LogLevel.Warning, "Device {DeviceId}: deregistered, but its owner's account could not be told ({Exception}): {Detail}")]
        public static partial void OwnerUnbindFailed(ILogger logger, string deviceId, string exception, string detail);

        [LoggerMessage(1031, LogLevel.Warning, "Device {DeviceId}: binding to its owner's account failed ({Exception}): {Detail}; retried on the next connect")]
        public static partial void OwnerBindFailed(ILogger logger, string deviceId, string exception, string detail);

        [LoggerMessage(1010, LogLevel.Debug, "Device {DeviceId} invalidated {Paths} paths; {Removed} cached responses dropped")]
        public static partial void CacheInvalidated(ILogger logger, string deviceId, int paths, int removed);

        [LoggerMessage(1011, LogLevel.Information, "Device {DeviceId} cache purged by an operator ({Removed} entries)")]
        public static partial void CachePurged(ILogger logger, string deviceId, int removed);
    }
}
