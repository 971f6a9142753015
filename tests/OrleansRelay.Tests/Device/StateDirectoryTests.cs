using OrleansRelay.Device.Cli;

namespace OrleansRelay.Tests.Device;

/// <summary>Where the daemon keeps its outbox when no option says.</summary>
public sealed class StateDirectoryTests
{
    [Fact]
    public void Default_IsSystemdsStateDirectory_TheFirstOfSeveral()
    {
        var variables = new Dictionary<string, string?> { ["STATE_DIRECTORY"] = "/var/lib/orleansrelay-a:/var/lib/other", ["XDG_STATE_HOME"] = "/home/u/.state" };
        Assert.Equal("/var/lib/orleansrelay-a", StateDirectory.Default(name => variables.GetValueOrDefault(name), _ => true));
    }

    [Fact]
    public void Default_WithoutSystemd_IsTheSystemDirectoryWhenItExists_ElseTheUsersXdgStateHome()
    {
        var variables = new Dictionary<string, string?> { ["XDG_STATE_HOME"] = "/home/u/.state" };
        Assert.Equal(StateDirectory.System, StateDirectory.Default(name => variables.GetValueOrDefault(name), path => path == StateDirectory.System));
        Assert.Equal("/home/u/.state/orleansrelay", StateDirectory.Default(name => variables.GetValueOrDefault(name), _ => false));
    }

    [Fact]
    public void Outbox_IsPerDeviceId_UnderTheStateDirectory()
    {
        Assert.Equal("/var/lib/orleansrelay/outbox/pump-1", StateDirectory.OutboxOf("/var/lib/orleansrelay", "pump-1"));
    }
}
