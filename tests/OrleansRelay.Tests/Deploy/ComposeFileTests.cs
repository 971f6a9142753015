using OrleansRelay.Tests.Wire;
using YamlDotNet.RepresentationModel;

namespace OrleansRelay.Tests.Deploy;

/// <summary>
/// deploy/compose/compose.yaml: Docker Compose's own validation (docker-compose config, from Debian; scripts/test
/// installs it), then the resolved file's services, health checks, volumes, ports and grace periods.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root(), "deploy", "compose");

    [Fact]
    public async Task ComposeFile_DockerComposeConfig_AcceptsIt_WithTheServicesTheRelayNeeds()
    {
        var compose = await ResolvedAsync();

        Assert.Equal(
            ["demo-device", "device", "edge1", "edge2", "mariadb", "provision", "redis", "silo1", "silo2"],
            compose.Keys("services").Order());
    }

    [Fact]
    public async Task ComposeFile_Databases_HaveHealthChecksAndVolumes()
    {
        var compose = await ResolvedAsync();

        foreach (var (service, path) in new[] { ("redis", "/data"), ("mariadb", "/var/lib/mysql") })
        {
            Assert.NotNull(compose.At("services", service, "healthcheck", "test"));
            Assert.Contains($"{service}-data:{path}", compose.Items("services", service, "volumes").Select(VolumeMount));
        }

        Assert.Equal(["device-identity", "mariadb-data", "redis-data"], compose.Keys("volumes").Order());
    }

    [Fact]
    public async Task ComposeFile_Edges_PublishTheApiAndDevicePorts_AndGetTheGracePeriodTheDrainNeeds()
    {
        var compose = await ResolvedAsync();

        foreach (var edge in new[] { "edge1", "edge2" })
        {
            Assert.Equal([5070, 5080], compose.Items("services", edge, "ports").Select(p => int.Parse(p.Text("target"))).Order());
            Assert.Equal("service_healthy", compose.Text("services", edge, "depends_on", "silo1", "condition"));
        }

        foreach (var host in new[] { "silo1", "silo2", "edge1", "edge2" })
        {
            // The edge's drain (Edge__DrainTimeout 10 s, + 1 s) and .NET's 30 s shutdown timeout.
            Assert.True(int.Parse(compose.Text("services", host, "stop_grace_period").TrimEnd('s')) >= 10 + 1 + 30, host);
        }
    }

    [Fact]
    public async Task ComposeFile_Daemon_StartsAfterProvisioning_ConfiguredByEnvironmentOnly()
    {
        var compose = await ResolvedAsync();

        Assert.Equal("service_completed_successfully", compose.Text("services", "device", "depends_on", "provision", "condition"));
        Assert.Null(compose.At("services", "device", "command"));
        Assert.Equal("edge1:5070,edge2:5070", compose.Text("services", "device", "environment", "ORLEANSRELAY_SERVER"));
        Assert.Contains("--if-missing", compose.Items("services", "provision", "command").Select(c => ((YamlScalarNode)c).Value));
    }

    /// <summary>A service's volume as <c>source:target</c>, whether the resolved file writes it short or long.</summary>
    private static string VolumeMount(YamlNode volume) => volume is YamlScalarNode { Value: { } text }
        ? string.Join(':', text.Split(':').Take(2))
        : $"{volume.Text("source")}:{volume.Text("target")}";

    /// <summary><c>docker-compose config</c> with the example environment: it must exit 0; its output is the file as resolved.</summary>
    private static async Task<YamlMappingNode> ResolvedAsync()
    {
        var result = await DeployTool.RunAsync(Folder, "docker-compose", ["--env-file", ".env.example", "-f", "compose.yaml", "config"]);
        Assert.True(result.ExitCode == 0, $"docker-compose config failed: {result.Error}");
        return Yaml.Documents(result.Output).Single();
    }
}
