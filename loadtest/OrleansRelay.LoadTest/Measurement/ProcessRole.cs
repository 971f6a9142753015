namespace OrleansRelay.LoadTest.Measurement;

/// <summary>What a measured process is. An embedded edge hosts its silo too and is measured as <see cref="Edge"/>.</summary>
internal enum ProcessRole
{
    Edge,
    Silo,
}
