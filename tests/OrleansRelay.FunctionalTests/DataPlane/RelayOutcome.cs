using System.Net;

namespace OrleansRelay.FunctionalTests.DataPlane;

/// <summary>One relayed request as the client saw it: when it was sent (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), how long it took, and its status and body or its failure.</summary>
internal sealed record RelayOutcome(long SentAt, TimeSpan Elapsed, HttpStatusCode? Status, string? Body, string? Error)
{
    public override string ToString() => Status is { } status ? $"{(int)status} '{Body}' in {Elapsed.TotalSeconds:0.00} s" : $"{Error} after {Elapsed.TotalSeconds:0.00} s";
}
