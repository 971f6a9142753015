using OrleansRelay.Device;

namespace OrleansRelay.Tests.Device;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void NextDelay_DoublesWithJitterUpToTheCap_AndResets()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), new Random(1));
        double[] ceilings = [1, 2, 4, 8, 10, 10, 10];
        foreach (var ceiling in ceilings)
        {
            var delay = backoff.NextDelay().TotalSeconds;
            Assert.InRange(delay, ceiling / 2, ceiling);
        }

        backoff.Reset();
        Assert.InRange(backoff.NextDelay().TotalSeconds, 0.5, 1);
    }

    [Fact]
    public void NextDelay_IsJittered()
    {
        var delays = Enumerable.Range(0, 20).Select(seed =>
        {
            var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(seed));
            backoff.NextDelay();
            backoff.NextDelay();
            return backoff.NextDelay();
        }).Distinct().Count();

        Assert.True(delays > 15, $"only {delays} distinct delays from 20 devices: reconnects would be synchronized");
    }

    [Theory]
    [InlineData("edge.example.com:5070", "edge.example.com", 5070)]
    [InlineData("127.0.0.1:1", "127.0.0.1", 1)]
    [InlineData("[::1]:5070", "::1", 5070)]
    public void ServerAddress_Parse(string text, string host, int port)
    {
        var parsed = ServerAddress.Parse(text);

        Assert.Equal(host, parsed.Host);
        Assert.Equal(port, parsed.Port);
    }

    [Theory]
    [InlineData("nohost")]
    [InlineData("host:")]
    [InlineData(":5070")]
    [InlineData("host:70000")]
    [InlineData("host:abc")]
    public void ServerAddress_Parse_RejectsMalformed(string text) => Assert.Throws<FormatException>(() => ServerAddress.Parse(text));
}
