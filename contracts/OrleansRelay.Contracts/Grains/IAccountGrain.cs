using Orleans.Concurrency;
using OrleansRelay.Contracts.Model.Accounts;

namespace OrleansRelay.Contracts.Grains;

/// <summary>
/// One account per e-mail address (the key is the normalized address, see <see cref="AccountEmails.Normalize"/>):
/// the devices bound to it, whether it is confirmed, its password hash and its token generation.
/// </summary>
[Alias("OrleansRelay.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// A device named this address in its hello. Binds it; on first sight of an unconfirmed address sends the one
    /// confirmation mail. Idempotent; one-way so a device's connect never waits on SMTP.
    /// </summary>
    /// <remarks>Kept for silos of an earlier version; a device grain now calls <see cref="Bind"/>.</remarks>
    [Alias("BindDevice")]
    [OneWay]
    Task BindDevice(string deviceId);

    /// <summary>
    /// As <see cref="BindDevice"/>, and says whether the binding is settled: the device is bound and the address is
    /// confirmed or its confirmation mail went out. A device grain that was told so does not bind again on the next
    /// connects of the same activation (it does not wait for the answer: a connect never waits on SMTP).
    /// </summary>
    [Alias("Bind")]
    Task<bool> Bind(string deviceId);

    /// <summary>The device now names another address (or none).</summary>
    [Alias("UnbindDevice")]
    ValueTask UnbindDevice(string deviceId);

    /// <summary>Sends the confirmation mail again, at most once per resend interval; false when refused (confirmed, nothing bound, too soon).</summary>
    [Alias("ResendConfirmation")]
    ValueTask<bool> ResendConfirmation();

    /// <summary>Redeems confirmation <paramref name="confirmationId"/> by setting the password; revokes every earlier token.</summary>
    [Alias("Confirm")]
    ValueTask<PasswordResult> Confirm(Guid confirmationId, string password);

    /// <summary>Checks the password (throttled per account after repeated failures).</summary>
    [Alias("SignIn")]
    ValueTask<SignInResult> SignIn(string password);

    /// <summary>Whether a token of generation <paramref name="generation"/> with id <paramref name="tokenId"/> is still valid.</summary>
    [Alias("IsTokenValid")]
    [AlwaysInterleave]
    ValueTask<bool> IsTokenValid(string tokenId, long generation);

    /// <summary>Revokes one token (sign-out) until <paramref name="expires"/>.</summary>
    [Alias("RevokeToken")]
    ValueTask RevokeToken(string tokenId, DateTimeOffset expires);

    /// <summary>Revokes every token issued so far.</summary>
    [Alias("RevokeAllTokens")]
    ValueTask RevokeAllTokens();

    /// <summary>Changes the password after checking the current one; revokes every token on success.</summary>
    [Alias("ChangePassword")]
    ValueTask<PasswordResult> ChangePassword(string currentPassword, string newPassword);

    /// <summary>The device ids bound to this address (whether confirmed or not).</summary>
    [Alias("GetDevices")]
    [AlwaysInterleave]
    ValueTask<string[]> GetDevices();

    /// <summary>
    /// The account-wide webhooks changed: whether the account has any now. Remembered, and passed on to every bound
    /// device (and to each device that binds later), so that only their events wake the webhook dispatcher.
    /// </summary>
    [Alias("SetWebhooks")]
    ValueTask SetWebhooks(bool any);
}
