using OrleansRelay.Contracts.Model.Accounts;

namespace OrleansRelay.Contracts.Grains;

/// <summary>One confirmation link (keyed by its id): which address it confirms, until when, and whether it was used.</summary>
[Alias("OrleansRelay.IConfirmationGrain")]
public interface IConfirmationGrain : IGrainWithGuidKey
{
    /// <summary>Issues the link for <paramref name="email"/>, valid until <paramref name="expires"/>.</summary>
    [Alias("Issue")]
    ValueTask Issue(string email, DateTimeOffset expires);

    /// <summary>Whether the link can still be used, and for which address.</summary>
    [Alias("Check")]
    ValueTask<ConfirmationCheck> Check();

    /// <summary>Sets the address's password and uses the link up (only when the password is accepted).</summary>
    [Alias("Redeem")]
    ValueTask<PasswordResult> Redeem(string password);
}
