namespace OrleansRelay.LoadTest.Scenarios;

/// <summary>A named load test; it drives devices and clients through the context and fills the context's result.</summary>
internal interface ILoadScenario
{
    string Name { get; }

    string Description { get; }

    /// <summary>Edges the relay must have (the load test starts that many when it starts the relay).</summary>
    int EdgesNeeded => 1;

    Task RunAsync(ScenarioContext context, CancellationToken cancellationToken);
}
