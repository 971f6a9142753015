using System.Text.RegularExpressions;
using MimeKit;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>Reads what the real SMTP sink received (its maildir), by recipient.</summary>
internal static partial class MailSink
{
    public static MimeMessage[] To(string address)
    {
        var messages = new List<MimeMessage>();
        foreach (var folder in new[] { "new", "cur" })
        {
            var dir = Path.Combine(TestServices.MailDir, folder);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var file in Directory.GetFiles(dir))
            {
                var message = MimeMessage.Load(file);
                if (message.To.Mailboxes.Any(m => string.Equals(m.Address, address, StringComparison.OrdinalIgnoreCase)))
                {
                    messages.Add(message);
                }
            }
        }

        return [.. messages];
    }

    /// <summary>The confirmation id in a confirmation mail's link.</summary>
    public static Guid ConfirmationId(MimeMessage message) =>
        Guid.Parse(LinkPattern().Match(message.TextBody ?? string.Empty).Groups[1].Value);

    [GeneratedRegex(@"/v1/confirmation\?confirmationId=([0-9a-f\-]{36})")]
    private static partial Regex LinkPattern();
}
