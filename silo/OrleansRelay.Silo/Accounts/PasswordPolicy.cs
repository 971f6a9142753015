using OrleansRelay.Contracts.Model.Accounts;

namespace OrleansRelay.Silo.Accounts;

/// <summary>What a password must be: long enough, not absurdly long, and not the address (or its local part).</summary>
internal static class PasswordPolicy
{
    public static PasswordResult Check(string password, string email, AccountOptions options)
    {
        if (password.Length < options.MinPasswordLength)
        {
            return PasswordResult.TooShort;
        }

        if (password.Length > options.MaxPasswordLength)
        {
            return PasswordResult.TooLong;
        }

        var local = email.Split('@')[0];
        if (password.Contains(email, StringComparison.OrdinalIgnoreCase)
            || (local.Length >= 4 && password.Contains(local, StringComparison.OrdinalIgnoreCase)))
        {
            return PasswordResult.ContainsEmail;
        }

        return PasswordResult.Accepted;
    }
}
