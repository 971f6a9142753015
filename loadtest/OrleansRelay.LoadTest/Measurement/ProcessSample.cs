namespace OrleansRelay.LoadTest.Measurement;

/// <summary>One reading of a process from /proc: CPU time used so far and resident memory.</summary>
internal readonly record struct ProcessSample(TimeSpan CpuTime, long RssBytes);
