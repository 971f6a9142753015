namespace OrleansRelay.LoadTest.Scenarios;

/// <summary>
/// The scenarios by name. Extension point for <c>notify</c> (device notifications fanned out to SSE and SignalR
/// subscribers, once the relay has them): add a <c>NotifyScenario</c> here, subscriber clients beside
/// <see cref="Clients.RelayClient"/>, a notification sender on <see cref="Devices.DeviceConnection"/>, and a
/// delivery recorder (end-to-end latency, lost, duplicated) beside <see cref="Measurement.LatencyRecorder"/>; the
/// runner, monitor and report need no change beyond a section for its results.
/// </summary>
internal static class ScenarioRegistry
{
    public static IReadOnlyList<ILoadScenario> All { get; } =
    [
        new ConnectScenario(),
        new RelayScenario(),
        new CachedScenario(),
        new ReconnectScenario(),
        new SoakScenario(),
    ];

    public static ILoadScenario? Find(string name) => All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
