namespace OrleansRelay.Device;

/// <summary>
/// Cache invalidations waiting for a link to the relay. Bounded: past <see cref="Capacity"/> distinct paths the set
/// collapses to <c>*</c> (invalidate everything), which is always correct, only less precise.
/// </summary>
internal sealed class PendingInvalidations
{
    public const int Capacity = 1024;

    private readonly Lock _lock = new();
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _paths.Count;
            }
        }
    }

    public void Add(IEnumerable<string> paths)
    {
        lock (_lock)
        {
            if (_paths.Contains("*"))
            {
                return;
            }

            foreach (var path in paths)
            {
                _paths.Add(path);
            }

            if (_paths.Contains("*") || _paths.Count > Capacity)
            {
                _paths.Clear();
                _paths.Add("*");
            }
        }
    }

    /// <summary>Removes and returns up to <paramref name="max"/> paths.</summary>
    public string[] Take(int max)
    {
        lock (_lock)
        {
            var batch = _paths.Take(max).ToArray();
            foreach (var path in batch)
            {
                _paths.Remove(path);
            }

            return batch;
        }
    }
}
