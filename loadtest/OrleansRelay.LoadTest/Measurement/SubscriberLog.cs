namespace OrleansRelay.LoadTest.Measurement;

/// <summary>One subscriber's expected and received notification ids, duplicates, and stream restarts.</summary>
internal sealed class SubscriberLog
{
    private readonly Lock _gate = new();
    private readonly HashSet<long> _expected = [];
    private readonly HashSet<long> _received = [];
    private long _duplicates;
    private long _unexpected;
    private long _restarts;

    public SubscriberLog(int index, string deviceId, string kind)
    {
        Index = index;
        DeviceId = deviceId;
        Kind = kind;
    }

    public int Index { get; }

    public string DeviceId { get; }

    /// <summary><c>sse</c> or <c>signalr</c>.</summary>
    public string Kind { get; }

    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Notifications of this run received that were not the watched device's.</summary>
    public long Unexpected => Interlocked.Read(ref _unexpected);

    /// <summary>Times the stream ended and was opened again (SSE resumes with Last-Event-ID; SignalR re-subscribes).</summary>
    public long Restarts => Interlocked.Read(ref _restarts);

    public void Expect(long id)
    {
        lock (_gate)
        {
            _expected.Add(id);
        }
    }

    /// <summary>Records a receipt; true the first time an expected id arrives.</summary>
    public bool Receive(long id)
    {
        lock (_gate)
        {
            if (!_received.Add(id))
            {
                _duplicates++;
                return false;
            }

            if (!_expected.Contains(id))
            {
                _unexpected++;
                return false;
            }

            return true;
        }
    }

    public void Restarted() => Interlocked.Increment(ref _restarts);

    /// <summary>Expected ids not received (so far).</summary>
    public long Missing()
    {
        lock (_gate)
        {
            return _expected.Count(id => !_received.Contains(id));
        }
    }

    public long ExpectedCount
    {
        get
        {
            lock (_gate)
            {
                return _expected.Count;
            }
        }
    }
}
