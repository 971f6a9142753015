using System.Diagnostics;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.LoadTest.Devices;

/// <summary>
/// One simulated device with the daemon's connection policy: it keeps one session to one of the edges, honours
/// <c>unavailable</c> with its retry-after plus up to 25 % jitter, moves to the next edge when its edge goes away,
/// backs off exponentially with jitter on failures, and gives up only after <see cref="FleetOptions.GiveUpAfter"/>.
/// </summary>
internal sealed class SimulatedDevice
{
    private readonly DeviceFleet _fleet;
    private DeviceConnection? _connection;
    private long _lastAcceptedTicks;

    public SimulatedDevice(DeviceCredentials credentials, int edgeIndex, DeviceFleet fleet)
    {
        Credentials = credentials;
        EdgeIndex = edgeIndex;
        _fleet = fleet;
    }

    public DeviceCredentials Credentials { get; }

    public string DeviceId => Credentials.Profile.DeviceId;

    /// <summary>The edge the device is (or was last) connected to.</summary>
    public int EdgeIndex { get; private set; }

    /// <summary>Notifications not yet acknowledged, kept across sessions (resent on each new one).</summary>
    public PendingNotifications Notifications { get; } = new();

    public bool IsOnline => Volatile.Read(ref _connection) is not null;

    /// <summary><see cref="Stopwatch"/> timestamp of the last accepted session.</summary>
    public long LastAcceptedTimestamp => Interlocked.Read(ref _lastAcceptedTicks);

    /// <summary>Connects and stays connected (reconnecting) until <paramref name="stopping"/>; then says goodbye.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var options = _fleet.Options;
        var failures = 0;
        var firstAttempt = Stopwatch.GetTimestamp();
        using var stop = stopping.Register(() => Volatile.Read(ref _connection)?.Close());
        while (!stopping.IsCancellationRequested)
        {
            if (Stopwatch.GetElapsedTime(firstAttempt) > options.GiveUpAfter)
            {
                _fleet.OnGaveUp();
                return;
            }

            HandshakeOutcome outcome;
            try
            {
                await _fleet.HandshakeSlots.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                outcome = await DeviceConnection.OpenAsync(_fleet.Edges[EdgeIndex], Credentials, options.Api, options.HandshakeTimeout, stopping).ConfigureAwait(false);
            }
            finally
            {
                _fleet.HandshakeSlots.Release();
            }

            TimeSpan wait;
            if (outcome.Session is { } session)
            {
                failures = 0;
                Interlocked.Exchange(ref _lastAcceptedTicks, Stopwatch.GetTimestamp());
                Volatile.Write(ref _connection, session);
                session.NotificationsAcknowledged = Notifications.Acknowledge;
                Notifications.Attach(session);
                _fleet.OnAccepted(Stopwatch.GetElapsedTime(firstAttempt));
                if (stopping.IsCancellationRequested)
                {
                    session.Close();
                }

                var reason = await session.Completion.ConfigureAwait(false);
                Notifications.Detach(session);
                Volatile.Write(ref _connection, null);
                _fleet.OnDisconnected(reason);
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                // The edge went away or the link broke: the next edge in the list, soon but not in lockstep.
                firstAttempt = Stopwatch.GetTimestamp();
                NextEdge();
                wait = TimeSpan.FromMilliseconds(Random.Shared.Next(0, 250));
            }
            else if (outcome.RejectCode == CloseCodes.Unavailable)
            {
                _fleet.OnRejectedUnavailable();
                var retryAfter = TimeSpan.FromSeconds(outcome.RetryAfterSeconds ?? 1);
                wait = retryAfter * (1 + (Random.Shared.NextDouble() * 0.25));
            }
            else
            {
                _fleet.OnFailed(outcome.RejectCode is { } code ? "reject-" + code : outcome.Failure!);
                failures++;
                if (outcome.Failure is not null)
                {
                    NextEdge();
                }

                var ceiling = Math.Min(options.MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 20)));
                wait = TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
            }

            try
            {
                await Task.Delay(wait, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void NextEdge() => EdgeIndex = (EdgeIndex + 1) % _fleet.Edges.Count;
}
