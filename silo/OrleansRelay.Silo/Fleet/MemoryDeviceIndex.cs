using OrleansRelay.Contracts.Model.Fleet;

namespace OrleansRelay.Silo.Fleet;

/// <summary>
/// The fleet index in memory, sorted by device id (ordinal) so a page starts with a binary search for the cursor, with the
/// online count and offline reasons kept as running totals. Not thread-safe: its grain serializes the calls.
/// </summary>
internal sealed class MemoryDeviceIndex
{
    private readonly SortedList<string, Row> _rows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _offlineByReason = new(StringComparer.Ordinal);
    private long _online;

    public int Count => _rows.Count;

    public void Apply(DeviceIndexEntry entry, DateTimeOffset now)
    {
        _rows.TryGetValue(entry.DeviceId, out var row);
        if (row is not null && entry.Version < row.Version)
        {
            // An older entry arriving late changes nothing but may carry a later notification time.
            row.Device = row.Device with { LastNotificationAt = Latest(row.Device.LastNotificationAt, entry.LastNotificationAt) };
            return;
        }

        if (row is not null)
        {
            Tally(row.Device, -1);
        }

        if (!entry.Registered)
        {
            _rows.Remove(entry.DeviceId);
            return;
        }

        var device = DeviceIndexRows.Next(row?.Device, entry);
        Tally(device, +1);
        if (row is null)
        {
            _rows[entry.DeviceId] = new Row(device, entry.Version, now);
        }
        else
        {
            (row.Device, row.Version, row.WrittenAt) = (device, entry.Version, now);
        }
    }

    public FleetPage Query(FleetQuery query)
    {
        var limit = Math.Max(1, query.Limit);
        var page = new List<FleetDevice>(Math.Min(limit, 1000));
        var rows = _rows.Values;
        for (var i = query.After is null ? 0 : FirstAfter(query.After); i < rows.Count; i++)
        {
            var device = rows[i].Device;
            if ((query.Online is { } online && device.Online != online)
                || (query.Prefix is { Length: > 0 } prefix && !FleetPrefix.Matches(prefix, device.DeviceId, device.Name)))
            {
                continue;
            }

            if (page.Count == limit)
            {
                return new FleetPage([.. page], More: true);
            }

            page.Add(device);
        }

        return new FleetPage([.. page], More: false);
    }

    public FleetStats Stats() =>
        new(_rows.Count, _online, _offlineByReason.Where(pair => pair.Value > 0).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal));

    public string[] FindSuspects(DateTimeOffset before, IReadOnlyCollection<string>? liveEdges, int max) =>
        [.. _rows.Values
            .Where(row => row.Device.Online && (row.WrittenAt < before || (liveEdges is not null && !liveEdges.Contains(row.Device.EdgeId ?? ""))))
            .Take(max)
            .Select(row => row.Device.DeviceId)];

    /// <summary>The position of the first id ordinally greater than <paramref name="after"/>.</summary>
    private int FirstAfter(string after)
    {
        var keys = _rows.Keys;
        int low = 0, high = keys.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (string.CompareOrdinal(keys[middle], after) <= 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private void Tally(FleetDevice device, int delta)
    {
        if (device.Online)
        {
            _online += delta;
        }
        else
        {
            _offlineByReason[device.Reason] = _offlineByReason.GetValueOrDefault(device.Reason) + delta;
        }
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private sealed class Row(FleetDevice device, long version, DateTimeOffset writtenAt)
    {
        public FleetDevice Device { get; set; } = device;

        public long Version { get; set; } = version;

        public DateTimeOffset WrittenAt { get; set; } = writtenAt;
    }
}
