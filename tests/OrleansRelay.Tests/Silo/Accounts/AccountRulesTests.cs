using OrleansRelay.Contracts.Model.Accounts;
using OrleansRelay.Silo.Accounts;

namespace OrleansRelay.Tests.Silo.Accounts;

public sealed class AccountRulesTests
{
    [Theory]
    [InlineData("Owner@Example.com", "owner@example.com")]
    [InlineData("  owner@example.com ", "owner@example.com")]
    [InlineData("Owner <owner@example.com>", null)]
    [InlineData("not an address", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Normalize_KeepsOnlyPlainAddresses_LowerCased(string? input, string? expected) =>
        Assert.Equal(expected, AccountEmails.Normalize(input));

    [Theory]
    [InlineData("short", PasswordResult.TooShort)]
    [InlineData("correct horse battery", PasswordResult.Accepted)]
    [InlineData("my owner@example.com pass", PasswordResult.ContainsEmail)]
    [InlineData("OWNER-is-my-password", PasswordResult.ContainsEmail)]
    public void PasswordPolicy_ChecksLengthAndAddress(string password, PasswordResult expected) =>
        Assert.Equal(expected, PasswordPolicy.Check(password, "owner@example.com", new AccountOptions()));

    [Fact]
    public void PasswordPolicy_OverMaximum_IsTooLong() =>
        Assert.Equal(PasswordResult.TooLong, PasswordPolicy.Check(new string('x', 257), "owner@example.com", new AccountOptions()));

    [Theory]
    [InlineData("{\"email\":\"a@b.c\",\"apiAuthPath\":\"/login\",\"name\":\"Pump\"}", "a@b.c", "/login", "Pump")]
    [InlineData("{\"email\":42}", null, null, null)]
    [InlineData("[1,2]", null, null, null)]
    [InlineData("not json", null, null, null)]
    [InlineData(null, null, null, null)]
    public void DeviceInfo_Parse_TakesStringFieldsOnly(string? json, string? email, string? authPath, string? name) =>
        Assert.Equal(new DeviceInfo(email, authPath, name), DeviceInfo.Parse(json));
}
