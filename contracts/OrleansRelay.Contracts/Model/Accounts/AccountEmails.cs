using System.Net.Mail;

namespace OrleansRelay.Contracts.Model.Accounts;

/// <summary>How an e-mail address becomes an account key: trimmed, lower-cased, and a plain address.</summary>
public static class AccountEmails
{
    /// <summary>Longest address accepted (RFC 5321's path limit).</summary>
    public const int MaxLength = 254;

    /// <summary>The account key for <paramref name="email"/>, or null when it is not a plain address.</summary>
    public static string? Normalize(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var trimmed = email.Trim();
        if (trimmed.Length > MaxLength || !MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed || !string.IsNullOrEmpty(parsed.DisplayName))
        {
            return null;
        }

        return trimmed.ToLowerInvariant();
    }
}
