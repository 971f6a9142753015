using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Tests.Silo.Hosting;

public sealed class OperatorKeyTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(2000)]
    public void Matches_OnlyTheKeyItself_ShortOrLongerThanTheStackBuffer(int length)
    {
        var secret = new string('k', length - 1) + "é";
        var key = new OperatorKey(secret);

        Assert.True(key.Matches(secret));
        Assert.False(key.Matches(secret[..^1] + "e"));
        Assert.False(key.Matches(secret + "x"));
        Assert.False(key.Matches(string.Empty));
    }

    [Fact]
    public void AnUnsetKey_MatchesNothing()
    {
        var key = new OperatorKey(null);

        Assert.False(key.IsConfigured);
        Assert.False(key.Matches("anything"));
    }
}
