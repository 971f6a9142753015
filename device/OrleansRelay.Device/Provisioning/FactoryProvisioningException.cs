using System.Net;

namespace OrleansRelay.Device.Provisioning;

/// <summary>Factory registration failed; the message says why.</summary>
public sealed class FactoryProvisioningException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FactoryProvisioningException(string message, HttpStatusCode? status, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
    }

    /// <summary>The relay's status code, when it answered.</summary>
    public HttpStatusCode? Status { get; }
}
