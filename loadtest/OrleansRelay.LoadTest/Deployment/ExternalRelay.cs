using OrleansRelay.LoadTest.Measurement;

namespace OrleansRelay.LoadTest.Deployment;

/// <summary>A deployment someone else runs: given edge URLs and device ports; processes measured only if their pids are given.</summary>
internal sealed class ExternalRelay : IRelayTarget
{
    /// <summary>The edge's operator memory probe.</summary>
    public const string EdgeMemoryPath = "/v1/admin/diagnostics/memory";

    public ExternalRelay(IReadOnlyList<EdgeEndpoint> edges, string adminKey, IReadOnlyList<MonitoredProcess> processes)
    {
        Edges = edges;
        AdminKey = adminKey;
        Processes = processes;
    }

    public string Description => $"external: {string.Join(", ", Edges.Select(e => $"{e.Http} (devices {e.Device})"))}";

    public IReadOnlyList<EdgeEndpoint> Edges { get; }

    public string AdminKey { get; }

    public IReadOnlyList<MonitoredProcess> Processes { get; }

    /// <summary>Each edge's probe (the silos' HTTP ports are not known here: their heap is not measured).</summary>
    public IReadOnlyList<MemoryEndpoint> MemoryEndpoints =>
        [.. Edges.Select((e, i) => new MemoryEndpoint(ProcessRole.Edge, $"edge-{i + 1}", new Uri(e.Http, EdgeMemoryPath)))];

    public bool CanStopEdges => false;

    public Task StopEdgeAsync(int index, bool kill) => throw new NotSupportedException("The load test cannot stop an edge it did not start.");

    public Task RestartEdgeAsync(int index, CancellationToken cancellationToken) => throw new NotSupportedException("The load test cannot start an edge it did not start.");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
