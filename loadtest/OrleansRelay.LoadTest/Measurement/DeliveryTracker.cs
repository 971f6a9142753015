using System.Diagnostics;
using OrleansRelay.LoadTest.Clients;

namespace OrleansRelay.LoadTest.Measurement;

/// <summary>
/// Notifications sent and what each subscriber received: every subscriber watches one device and expects every
/// notification that device sends after it subscribed; a receipt records the device → subscriber latency (from the
/// notification's scheduled time, in the phase's <see cref="LatencyRecorder"/>) or counts a duplicate. After the drain,
/// expected minus received is what the subscriber lost.
/// </summary>
internal sealed class DeliveryTracker
{
    private readonly LatencyRecorder _latency;
    private readonly List<SubscriberLog> _subscribers = [];
    private readonly Dictionary<string, List<SubscriberLog>> _byDevice = new(StringComparer.Ordinal);
    private long _sent;
    private long _expected;
    private long _delivered;
    private long _foreign;

    public DeliveryTracker(LatencyRecorder latency) => _latency = latency;

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Deliveries owed to subscribers (each notification of a watched device, once per subscriber of it).</summary>
    public long Expected => Interlocked.Read(ref _expected);

    /// <summary>Distinct expected notifications received.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Notifications received that this run did not send (another client's, or an earlier run's).</summary>
    public long Foreign => Interlocked.Read(ref _foreign);

    public IReadOnlyList<SubscriberLog> Subscribers => _subscribers;

    /// <summary>Adds a subscriber of <paramref name="deviceId"/> (before sending starts); returns its index.</summary>
    public int AddSubscriber(string deviceId, string kind)
    {
        var log = new SubscriberLog(_subscribers.Count, deviceId, kind);
        _subscribers.Add(log);
        if (!_byDevice.TryGetValue(deviceId, out var list))
        {
            _byDevice[deviceId] = list = [];
        }

        list.Add(log);
        return log.Index;
    }

    /// <summary>Call before the device sends notification <paramref name="id"/> (so a fast receipt finds it expected).</summary>
    public void Sending(string deviceId, long id)
    {
        Interlocked.Increment(ref _sent);
        if (_byDevice.TryGetValue(deviceId, out var watchers))
        {
            foreach (var watcher in watchers)
            {
                watcher.Expect(id);
                Interlocked.Increment(ref _expected);
            }
        }
    }

    /// <summary>Subscriber <paramref name="subscriber"/> got a notification with <paramref name="text"/>.</summary>
    public void Received(int subscriber, string text)
    {
        var now = Stopwatch.GetTimestamp();
        if (!NotificationText.TryParse(text, out var id, out var scheduled))
        {
            Interlocked.Increment(ref _foreign);
            return;
        }

        if (_subscribers[subscriber].Receive(id))
        {
            Interlocked.Increment(ref _delivered);
            _latency.RecordSuccess(Stopwatch.GetElapsedTime(scheduled, now), CacheOutcome.None);
        }
    }
}
