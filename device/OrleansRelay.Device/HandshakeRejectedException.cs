namespace OrleansRelay.Device;

/// <summary>The edge refused the device with a reject frame.</summary>
public sealed class HandshakeRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HandshakeRejectedException(string code, string reason, int? retryAfterSeconds)
        : base($"Rejected by the edge: {code}: {reason}")
    {
        Code = code;
        Reason = reason;
        RetryAfterSeconds = retryAfterSeconds;
    }

    /// <summary>The reject code.</summary>
    public string Code { get; }

    /// <summary>The edge's explanation.</summary>
    public string Reason { get; }

    /// <summary>The edge's suggested delay before retrying.</summary>
    public int? RetryAfterSeconds { get; }
}
