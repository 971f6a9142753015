namespace OrleansRelay.Contracts.Model;

/// <summary>Why a grain tells an edge to close a device session.</summary>
[GenerateSerializer, Alias("OrleansRelay.SessionCloseReason")]
public enum SessionCloseReason
{
    /// <summary>A newer authenticated connection of the same device took over.</summary>
    Replaced = 0,

    /// <summary>The device's secret was rotated or the device was deregistered.</summary>
    CredentialsRevoked = 1,
}
