using OrleansRelay.Contracts.Model.Accounts;

namespace OrleansRelay.Edge.Accounts;

/// <summary>What a refused password means, for people.</summary>
internal static class PasswordMessages
{
    public static string For(PasswordResult result) => result switch
    {
        PasswordResult.TooShort => "The password is too short.",
        PasswordResult.TooLong => "The password is too long.",
        PasswordResult.ContainsEmail => "The password must not contain your e-mail address.",
        PasswordResult.LinkInvalid => "The confirmation link is unknown, expired or already used.",
        PasswordResult.WrongPassword => "The current password is wrong.",
        _ => "The password was accepted.",
    };
}
