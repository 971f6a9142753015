using SharpFuzz;

namespace OrleansRelay.Fuzz;

/// <summary>The fuzz targets by name.</summary>
public static class FuzzTargets
{
    private static readonly Dictionary<string, ReadOnlySpanAction> Targets = new(StringComparer.Ordinal)
    {
        ["frames"] = FrameTarget.Run,
        ["http"] = HttpHeadTarget.Run,
    };

    /// <summary>Every target's name.</summary>
    public static IEnumerable<string> Names => Targets.Keys;

    /// <summary>The target called <paramref name="name"/>, or null.</summary>
    public static ReadOnlySpanAction? Find(string name) => Targets.GetValueOrDefault(name);
}
