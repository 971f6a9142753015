using System.Text.RegularExpressions;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Silo.Hosting;
using OrleansRelay.Tests.Wire;

namespace OrleansRelay.Tests.Deploy;

/// <summary>
/// The Dockerfile's targets, read as text: what an orchestrator relies on (user, health check, stop signal, ports) is
/// there, and the exposed ports are the hosts' defaults. scripts/image-smoke checks the built images behave so.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly Dictionary<string, Stage> Stages = Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root(), "Dockerfile")));

    [Theory]
    [InlineData("silo")]
    [InlineData("edge")]
    [InlineData("device")]
    [InlineData("demo-device")]
    public void Target_RunsAsTheNonRootAppUser_StopsOnSigterm(string target)
    {
        Assert.Equal("1654:1654", Effective(target, "USER"));
        Assert.Equal("SIGTERM", Effective(target, "STOPSIGNAL"));
        Assert.StartsWith($"[\"/app/orleansrelay-", Effective(target, "ENTRYPOINT"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("silo", "[\"/app/orleansrelay-silo\", \"healthcheck\"]")]
    [InlineData("edge", "[\"/app/orleansrelay-edge\", \"healthcheck\"]")]
    [InlineData("device", "[\"/app/orleansrelay-device\", \"healthcheck\"]")]
    public void Target_HealthCheck_IsTheExecutablesOwnCommandInExecForm(string target, string command)
    {
        Assert.EndsWith("CMD " + command, Effective(target, "HEALTHCHECK"), StringComparison.Ordinal);
    }

    [Fact]
    public void Edge_Exposes_TheDefaultApiDeviceAndDataPlanePorts()
    {
        var edge = new EdgeOptions();
        Assert.Equal(new[] { edge.HttpPort, edge.DevicePort, edge.DataPlanePort, edge.DataPlaneUpgradePort }.Order(), Ports("edge"));
    }

    [Fact]
    public void Silo_Exposes_TheDefaultSiloGatewayAndHttpPorts()
    {
        var cluster = new RelayClusterOptions();
        Assert.Equal(new[] { cluster.SiloPort, cluster.GatewayPort, 8080 }.Order(), Ports("silo"));
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("edge")]
    [InlineData("device")]
    public void Target_Labels_NameTheImageTheOciWay(string target)
    {
        Assert.Contains($"org.opencontainers.image.title=\"orleansrelay-{target}\"", Effective(target, "LABEL"), StringComparison.Ordinal);
        Assert.Contains("org.opencontainers.image.revision=", All(target, "LABEL"), StringComparison.Ordinal);
    }

    private IEnumerable<int> Ports(string target) => Effective(target, "EXPOSE").Split(' ').Select(int.Parse).Order();

    /// <summary>The last <paramref name="instruction"/> of the target or the stages it is built from.</summary>
    private static string Effective(string target, string instruction)
    {
        for (var stage = Stages[target]; ; stage = Stages[stage.From])
        {
            if (stage.Instructions.LastOrDefault(i => i.Name == instruction) is { } found)
            {
                return found.Arguments;
            }

            if (!Stages.ContainsKey(stage.From))
            {
                throw new Xunit.Sdk.XunitException($"{target} has no {instruction}");
            }
        }
    }

    private static string All(string target, string instruction)
    {
        var texts = new List<string>();
        for (var stage = Stages[target]; ; stage = Stages[stage.From])
        {
            texts.AddRange(stage.Instructions.Where(i => i.Name == instruction).Select(i => i.Arguments));
            if (!Stages.ContainsKey(stage.From))
            {
                return string.Join('\n', texts);
            }
        }
    }

    private static Dictionary<string, Stage> Parse(string dockerfile)
    {
        var stages = new Dictionary<string, Stage>();
        Stage? current = null;
        foreach (var line in Continuation().Replace(dockerfile, " ").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var (name, arguments) = (line.Split(' ', 2)[0].ToUpperInvariant(), line.Split(' ', 2).ElementAtOrDefault(1)?.Trim() ?? "");
            if (name == "FROM" && FromAs().Match(arguments) is { Success: true } from)
            {
                current = new Stage(from.Groups[1].Value, []);
                stages[from.Groups[2].Value] = current;
            }
            else
            {
                current?.Instructions.Add(new Instruction(name, MultipleSpaces().Replace(arguments, " ")));
            }
        }

        return stages;
    }

    private sealed record Stage(string From, List<Instruction> Instructions);

    private sealed record Instruction(string Name, string Arguments);

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex Continuation();

    [GeneratedRegex(@"^(?:--platform=\S+\s+)?(\S+)\s+AS\s+(\S+)$", RegexOptions.IgnoreCase)]
    private static partial Regex FromAs();

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex MultipleSpaces();
}
