namespace OrleansRelay.Silo.Accounts;

/// <summary>The persisted account of one e-mail address. The password is only ever stored as a hash.</summary>
[GenerateSerializer, Alias("OrleansRelay.AccountState")]
public sealed class AccountState
{
    /// <summary>Device ids that named this address.</summary>
    [Id(0)]
    public HashSet<string> Devices { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether the owner confirmed the address by setting a password.</summary>
    [Id(1)]
    public bool Confirmed { get; set; }

    /// <summary>ASP.NET Core Identity password hash (PBKDF2, versioned format).</summary>
    [Id(2)]
    public string? PasswordHash { get; set; }

    /// <summary>Tokens carry the generation they were issued in; bumping it revokes them all.</summary>
    [Id(3)]
    public long TokenGeneration { get; set; }

    /// <summary>The confirmation link that can currently set the password.</summary>
    [Id(4)]
    public Guid? PendingConfirmation { get; set; }

    /// <summary>When the last confirmation mail was sent (null: never sent successfully).</summary>
    [Id(5)]
    public DateTimeOffset? ConfirmationSentAt { get; set; }

    /// <summary>Signed-out tokens, by id, until they would have expired anyway.</summary>
    [Id(6)]
    public Dictionary<string, DateTimeOffset> RevokedTokens { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether the account has account-wide webhooks (its bound devices are told, see <c>IDeviceGrain.SetOwnerWebhooks</c>).</summary>
    [Id(7)]
    public bool HasWebhooks { get; set; }
}
