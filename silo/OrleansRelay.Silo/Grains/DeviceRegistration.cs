namespace OrleansRelay.Silo.Grains;

/// <summary>The persisted part of a device: whether it is provisioned and the hash of its secret (never the secret).</summary>
[GenerateSerializer, Alias("OrleansRelay.DeviceRegistration")]
public sealed class DeviceRegistration
{
    /// <summary>Whether the device is provisioned.</summary>
    [Id(0)]
    public bool Registered { get; set; }

    /// <summary>SHA-256 of the device's client key (see <c>DeviceAuthentication</c>).</summary>
    [Id(1)]
    public byte[] StoredKey { get; set; } = [];

    /// <summary>Operator-given display name.</summary>
    [Id(2)]
    public string? Name { get; set; }

    /// <summary>When the device was first provisioned.</summary>
    [Id(3)]
    public DateTimeOffset RegisteredAt { get; set; }

    /// <summary>The normalized e-mail address the device's hello names (its owner's account).</summary>
    [Id(4)]
    public string? Email { get; set; }

    /// <summary>The device's <c>apiAuthPath</c> from its hello.</summary>
    [Id(5)]
    public string? ApiAuthPath { get; set; }

    /// <summary>The <c>name</c> from the device's hello, shown to its owner when the operator gave none.</summary>
    [Id(6)]
    public string? InfoName { get; set; }

    /// <summary>Whether the device has webhooks of its own (told by its webhook registry).</summary>
    [Id(7)]
    public bool HasWebhooks { get; set; }

    /// <summary>Whether the owner account (<see cref="Email"/>) has account-wide webhooks (told by the account).</summary>
    [Id(8)]
    public bool OwnerHasWebhooks { get; set; }
}
