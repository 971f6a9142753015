namespace OrleansRelay.Silo.Accounts;

/// <summary>The persisted state of one confirmation link.</summary>
[GenerateSerializer, Alias("OrleansRelay.ConfirmationState")]
public sealed class ConfirmationState
{
    /// <summary>The normalized address the link confirms (null: no such link).</summary>
    [Id(0)]
    public string? Email { get; set; }

    /// <summary>Until when the link works.</summary>
    [Id(1)]
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Whether the link already set a password.</summary>
    [Id(2)]
    public bool Used { get; set; }
}
