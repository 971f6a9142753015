namespace OrleansRelay.Silo.Accounts;

/// <summary>
/// Outgoing mail (section <c>Mail</c>). With no <see cref="Host"/>, mails are written as <c>.eml</c> files to
/// <see cref="PickupDirectory"/> and their links are logged (the embedded default).
/// </summary>
public sealed record MailOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Mail";

    /// <summary>SMTP server host; unset: write to the pickup directory.</summary>
    public string? Host { get; init; }

    /// <summary>SMTP port.</summary>
    public int Port { get; init; } = 587;

    /// <summary>SMTP user name (unset: no authentication).</summary>
    public string? Username { get; init; }

    /// <summary>SMTP password.</summary>
    public string? Password { get; init; }

    /// <summary>TLS: <c>Auto</c>, <c>None</c>, <c>StartTls</c>, <c>StartTlsWhenAvailable</c> or <c>SslOnConnect</c>.</summary>
    public string Security { get; init; } = "Auto";

    /// <summary>The sender address.</summary>
    public string From { get; init; } = "OrleansRelay <no-reply@localhost>";

    /// <summary>Where mails go without an SMTP host.</summary>
    public string PickupDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "orleansrelay-mail");
}
