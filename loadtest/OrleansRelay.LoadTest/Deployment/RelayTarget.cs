using OrleansRelay.LoadTest.Measurement;

namespace OrleansRelay.LoadTest.Deployment;

/// <summary>The relay under test: its edges, the operator key, and the processes to measure (if known).</summary>
internal interface IRelayTarget : IAsyncDisposable
{
    string Description { get; }

    IReadOnlyList<EdgeEndpoint> Edges { get; }

    string AdminKey { get; }

    IReadOnlyList<MonitoredProcess> Processes { get; }

    /// <summary>The relay processes' memory probes the load test can reach with the operator key.</summary>
    IReadOnlyList<MemoryEndpoint> MemoryEndpoints { get; }

    /// <summary>Whether <see cref="StopEdgeAsync"/> can stop an edge (the load test started it).</summary>
    bool CanStopEdges { get; }

    /// <summary>Kills (SIGKILL) or drains (SIGTERM: graceful shutdown, devices get <c>shutdown</c>) edge <paramref name="index"/>.</summary>
    Task StopEdgeAsync(int index, bool kill);

    /// <summary>Starts edge <paramref name="index"/> again after <see cref="StopEdgeAsync"/>.</summary>
    Task RestartEdgeAsync(int index, CancellationToken cancellationToken);
}
