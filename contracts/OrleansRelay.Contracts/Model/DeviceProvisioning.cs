namespace OrleansRelay.Contracts.Model;

/// <summary>The outcome of provisioning: the secret is returned exactly once and never stored in clear.</summary>
/// <param name="Created">False when the device already existed and the caller did not ask to rotate its secret.</param>
/// <param name="Secret">The new secret when one was issued.</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.DeviceProvisioning")]
public sealed record DeviceProvisioning(
    [property: Id(0)] bool Created,
    [property: Id(1)] string? Secret);
