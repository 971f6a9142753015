namespace OrleansRelay.Silo.Accounts;

/// <summary>Accounts: confirmation links, password policy and sign-in throttling (section <c>Accounts</c>).</summary>
public sealed record AccountOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Accounts";

    /// <summary>Base URL of the client API as users reach it; confirmation links point there.</summary>
    public string PublicUrl { get; init; } = "http://127.0.0.1:5080";

    /// <summary>How long a confirmation link works.</summary>
    public TimeSpan ConfirmationLifetime { get; init; } = TimeSpan.FromHours(48);

    /// <summary>At most one confirmation mail per address per this interval (resends).</summary>
    public TimeSpan ResendInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Minimum password length.</summary>
    public int MinPasswordLength { get; init; } = 10;

    /// <summary>Maximum password length (bounds hashing work).</summary>
    public int MaxPasswordLength { get; init; } = 256;

    /// <summary>Failed sign-ins in a row before the account is throttled.</summary>
    public int MaxFailedSignIns { get; init; } = 5;

    /// <summary>The first throttling pause; it doubles with each further failure up to <see cref="MaxLockout"/>.</summary>
    public TimeSpan BaseLockout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest pause: the owner is never locked out for longer than this.</summary>
    public TimeSpan MaxLockout { get; init; } = TimeSpan.FromMinutes(15);
}
