namespace OrleansRelay.Fuzz;

/// <summary>A fuzz target found input that breaks one of the codec's invariants (not a protocol error: a bug).</summary>
public sealed class FuzzInvariantException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FuzzInvariantException(string message)
        : base(message)
    {
    }
}
