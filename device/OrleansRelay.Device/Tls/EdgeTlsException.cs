namespace OrleansRelay.Device.Tls;

/// <summary>The TLS handshake with the edge failed; the message says why (untrusted chain, wrong name, pin mismatch…).</summary>
public sealed class EdgeTlsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EdgeTlsException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
