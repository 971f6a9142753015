namespace OrleansRelay.Wire;

/// <summary>A body exceeded the configured body limit.</summary>
public sealed class BodyTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BodyTooLargeException(long limit)
        : base($"The body exceeds the limit of {limit} bytes.")
    {
        Limit = limit;
    }

    /// <summary>The limit that was exceeded.</summary>
    public long Limit { get; }
}
