using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace OrleansRelay.Silo.Accounts;

/// <summary>Sends confirmation mails with MailKit over SMTP, or writes them to the pickup directory.</summary>
public sealed partial class ConfirmationMailer
{
    private readonly MailOptions _mail;
    private readonly AccountOptions _accounts;
    private readonly ILogger<ConfirmationMailer> _logger;

    public ConfirmationMailer(IOptions<MailOptions> mail, IOptions<AccountOptions> accounts, ILogger<ConfirmationMailer> logger)
    {
        _mail = mail.Value;
        _accounts = accounts.Value;
        _logger = logger;
    }

    /// <summary>The link a confirmation mail carries.</summary>
    public string LinkFor(Guid confirmationId) =>
        $"{_accounts.PublicUrl.TrimEnd('/')}/v1/confirmation?confirmationId={confirmationId:D}";

    public async Task SendAsync(string email, Guid confirmationId, CancellationToken cancellationToken)
    {
        var link = LinkFor(confirmationId);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(_mail.From));
        message.To.Add(MailboxAddress.Parse(email));
        message.Subject = "Confirm your e-mail address for your devices";
        message.Body = new TextPart("plain")
        {
            Text = $"A device named {email} as its owner.\n\nTo confirm the address and choose a password, open:\n{link}\n\n"
                + $"The link works once and expires in {_accounts.ConfirmationLifetime.TotalHours:0} hours. If this was not you, ignore this mail.\n",
        };

        if (string.IsNullOrEmpty(_mail.Host))
        {
            Directory.CreateDirectory(_mail.PickupDirectory);
            var path = Path.Combine(_mail.PickupDirectory, $"{DateTime.UtcNow:yyyyMMddHHmmssfff}-{confirmationId:N}.eml");
            await message.WriteToAsync(path, cancellationToken);
            Log.WrotePickup(_logger, email, path, link);
            return;
        }

        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(_mail.Host, _mail.Port, Enum.Parse<SecureSocketOptions>(_mail.Security, ignoreCase: true), cancellationToken);
        if (!string.IsNullOrEmpty(_mail.Username))
        {
            await smtp.AuthenticateAsync(_mail.Username, _mail.Password ?? string.Empty, cancellationToken);
        }

        await smtp.SendAsync(message, cancellationToken);
        await smtp.DisconnectAsync(quit: true, cancellationToken);
        Log.Sent(_logger, email, _mail.Host, _mail.Port);
    }

    private static partial class Log
    {
        [LoggerMessage(4000, LogLevel.Information, "Confirmation mail for {Email} written to {Path}; link: {Link}")]
        public static partial void WrotePickup(ILogger logger, string email, string path, string link);

        [LoggerMessage(4001, LogLevel.Information, "Confirmation mail for {Email} sent through {Host}:{Port}")]
        public static partial void Sent(ILogger logger, string email, string host, int port);
    }
}
