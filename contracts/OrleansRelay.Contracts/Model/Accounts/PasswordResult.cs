namespace OrleansRelay.Contracts.Model.Accounts;

/// <summary>Outcome of setting or changing a password.</summary>
public enum PasswordResult
{
    /// <summary>The password is set; every earlier token is revoked.</summary>
    Accepted = 0,

    /// <summary>Shorter than the minimum length.</summary>
    TooShort = 1,

    /// <summary>Longer than the maximum length.</summary>
    TooLong = 2,

    /// <summary>Contains the account's e-mail address (or its local part).</summary>
    ContainsEmail = 3,

    /// <summary>The confirmation link is unknown, expired or already used.</summary>
    LinkInvalid = 4,

    /// <summary>The current password did not match (password change).</summary>
    WrongPassword = 5,
}
