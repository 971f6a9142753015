namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// The real Redis, MariaDB and SMTP sink that <c>./scripts/test</c> starts on 127.0.0.1. Tests that need them fail loudly
/// (never skip) when they are missing.
/// </summary>
internal static class TestServices
{
    public static string Redis => Require("ORLEANSRELAY_TEST_REDIS");

    /// <summary>A connection string to a database of its own (created by the schema setup).</summary>
    public static string MySqlDatabase(string name) => $"{Require("ORLEANSRELAY_TEST_MYSQL")};Database={name}";

    /// <summary>The SMTP sink (python3-aiosmtpd) as host:port.</summary>
    public static (string Host, int Port) Smtp
    {
        get
        {
            var value = Require("ORLEANSRELAY_TEST_SMTP");
            var colon = value.LastIndexOf(':');
            return (value[..colon], int.Parse(value[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The maildir the SMTP sink stores every message in.</summary>
    public static string MailDir => Require("ORLEANSRELAY_TEST_MAILDIR");

    public static string NewDatabaseName() => "relay_" + Guid.NewGuid().ToString("N")[..12];

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set: this test needs the real service that ./scripts/test installs and starts. Run the suite with ./scripts/test.");
}
