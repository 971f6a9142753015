namespace OrleansRelay.Contracts.Model;

/// <summary>The device registry's storage could not be read or written (database down or unreachable).</summary>
[GenerateSerializer, Alias("OrleansRelay.RegistryUnavailableException")]
public sealed class RegistryUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RegistryUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RegistryUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RegistryUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
