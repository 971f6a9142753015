namespace OrleansRelay.LoadTest.Scenarios;

/// <summary>
/// The scenarios by name: the extension point. A new scenario implements <see cref="ILoadScenario"/>, is listed here,
/// and fills its part of the <see cref="Reporting.RunResult"/>; the runner and monitor need no change.
/// </summary>
internal static class ScenarioRegistry
{
    public static IReadOnlyList<ILoadScenario> All { get; } =
    [
        new ConnectScenario(),
        new RelayScenario(),
        new CachedScenario(),
        new NotifyScenario(),
        new ReconnectScenario(),
        new SoakScenario(),
    ];

    public static ILoadScenario? Find(string name) => All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
