namespace OrleansRelay.LoadTest.Measurement;

/// <summary>A relay process's memory probe (<c>POST</c>, operator key): a full GC there, then its heap and RSS.</summary>
internal sealed record MemoryEndpoint(ProcessRole Role, string Name, Uri Url);
