namespace OrleansRelay.LoadTest.Measurement;

/// <summary>What the edge's response cache did, from its <c>X-Cache</c> header.</summary>
internal enum CacheOutcome
{
    None,
    Hit,
    Miss,
    Bypass,
}
