namespace OrleansRelay.Tests.Silo.Streams;

/// <summary>The MariaDB that <c>./scripts/test</c> starts; a test that needs it fails loudly (never skips) without it.</summary>
internal static class TestMySql
{
    public static string Database(string name) =>
        Environment.GetEnvironmentVariable("ORLEANSRELAY_TEST_MYSQL") is { Length: > 0 } server
            ? $"{server};Database={name}"
            : throw new InvalidOperationException("ORLEANSRELAY_TEST_MYSQL is not set: this test needs the MariaDB that ./scripts/test starts. Run it with ./scripts/test.");
}
