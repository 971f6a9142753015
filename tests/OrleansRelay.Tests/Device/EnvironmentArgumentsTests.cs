using OrleansRelay.Device.Cli;

namespace OrleansRelay.Tests.Device;

/// <summary>The daemon's configuration from environment variables (container images), parsed by the real command.</summary>
public sealed class EnvironmentArgumentsTests
{
    private static readonly Dictionary<string, string> Container = new()
    {
        ["ORLEANSRELAY_SERVER"] = "edge-1:5070, edge-2:5070",
        ["ORLEANSRELAY_DEVICE_ID"] = "pump-1",
        ["ORLEANSRELAY_SECRET_FILE"] = "/run/secrets/pump-1",
        ["ORLEANSRELAY_LOCAL"] = "http://demo-device:5090",
        ["ORLEANSRELAY_CONTROL_PORT"] = "8790",
        ["ORLEANSRELAY_TLS"] = "true",
    };

    [Fact]
    public void Variables_NoArguments_BecomeTheDaemonsOptions()
    {
        var parse = Parse([]);

        Assert.Empty(parse.Errors);
        Assert.Equal(["edge-1:5070", "edge-2:5070"], parse.GetValue<string[]>("--server")!);
        Assert.Equal("pump-1", parse.GetValue<string>("--device-id"));
        Assert.Equal("/run/secrets/pump-1", parse.GetValue<FileInfo>("--secret-file")!.FullName);
        Assert.Equal(new Uri("http://demo-device:5090"), parse.GetValue<Uri>("--local"));
        Assert.Equal(8790, parse.GetValue<int>("--control-port"));
        Assert.True(parse.GetValue<bool>("--tls"));
    }

    [Fact]
    public void Variables_OptionOnTheCommandLine_TheCommandLineWins()
    {
        var parse = Parse(["-d", "pump-2", "--server=other:5070"]);

        Assert.Empty(parse.Errors);
        Assert.Equal("pump-2", parse.GetValue<string>("--device-id"));
        Assert.Equal(["other:5070"], parse.GetValue<string[]>("--server")!);
        Assert.Equal(8790, parse.GetValue<int>("--control-port"));
    }

    [Fact]
    public void Variables_Subcommand_AreNotAdded()
    {
        Assert.Equal(["discover", "--wait", "1"], EnvironmentArguments.Add(["discover", "--wait", "1"], DeviceCommand.Create().Options, Container.GetValueOrDefault));
    }

    [Fact]
    public void VariableName_OptionWithDashes_IsPrefixedUpperSnakeCase()
    {
        var option = DeviceCommand.Create().Options.Single(o => o.Name == "--max-concurrency");

        Assert.Equal("ORLEANSRELAY_MAX_CONCURRENCY", EnvironmentArguments.VariableName(option));
    }

    private static System.CommandLine.ParseResult Parse(string[] args)
    {
        var root = DeviceCommand.Create();
        return root.Parse(EnvironmentArguments.Add(args, root.Options, Container.GetValueOrDefault));
    }
}
