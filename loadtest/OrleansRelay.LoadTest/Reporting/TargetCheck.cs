namespace OrleansRelay.LoadTest.Reporting;

/// <summary>One of the targets, what was measured, and whether it was met (reported, never asserted).</summary>
internal sealed record TargetCheck(string Name, string Target, string Measured, bool Met);
