using OrleansRelay.Tests.Wire;
using YamlDotNet.RepresentationModel;

namespace OrleansRelay.Tests.Deploy;

/// <summary>
/// deploy/kubernetes: each overlay rendered by kubectl's kustomize, validated against the Kubernetes API's schemas
/// (deploy/kubernetes/validate, npm package kubernetes-models), then the fields the relay depends on checked one by one
/// (the schemas accept unknown fields, so a misspelt probe would pass them).
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root(), "deploy", "kubernetes");

    public static TheoryData<string> Overlays => ["dev", "production"];

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Overlay_Rendered_IsValidAgainstTheKubernetesSchemas(string overlay)
    {
        var yaml = await RenderAsync(overlay);
        await EnsureValidatorAsync();

        var result = await DeployTool.RunAsync(Folder, "node", ["validate/validate.mjs"], input: yaml);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.EndsWith(" invalid", result.Output.Trim(), StringComparison.Ordinal);
        Assert.Contains(", 0 invalid", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Silos_UseKubernetesHosting_WithThePodsIdentityFromTheDownwardApi(string overlay)
    {
        var objects = Yaml.Documents(await RenderAsync(overlay));
        var silo = Container(Find(objects, "Deployment", "orleansrelay-silo"));
        var config = Find(objects, "ConfigMap", "orleansrelay-cluster");

        Assert.Equal("metadata.name", EnvField(silo, "POD_NAME"));
        Assert.Equal("metadata.namespace", EnvField(silo, "POD_NAMESPACE"));
        Assert.Equal("status.podIP", EnvField(silo, "POD_IP"));
        Assert.Equal("true", Env(silo, "Cluster__KubernetesHosting").Text("value"));
        Assert.Equal("Redis", config.Text("data", "Cluster__Mode"));
        var labels = Find(objects, "Deployment", "orleansrelay-silo").At("spec", "template", "metadata", "labels")!;
        Assert.Equal(config.Text("data", "Cluster__ServiceId"), labels.Text("orleans/serviceId"));
        Assert.Equal(config.Text("data", "Cluster__ClusterId"), labels.Text("orleans/clusterId"));

        // The Kubernetes hosting's pod watch: its service account may read, label and delete the silos' pods.
        var account = Find(objects, "Deployment", "orleansrelay-silo").Text("spec", "template", "spec", "serviceAccountName");
        var binding = objects.Single(o => o.Text("kind") == "RoleBinding" && o.Items("subjects").Any(s => s.Text("name") == account));
        var role = Find(objects, "Role", binding.Text("roleRef", "name"));
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "patch", "delete" }, role.Items("rules", 0, "verbs").Select(v => ((YamlScalarNode)v).Value!).ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Hosts_ProbeReadyzAndHealthz_RunAsTheImagesUser_AndRequestResources(string overlay)
    {
        var objects = Yaml.Documents(await RenderAsync(overlay));
        foreach (var (name, port) in new[] { ("orleansrelay-silo", "http"), ("orleansrelay-edge", "http") })
        {
            var deployment = Find(objects, "Deployment", name);
            var container = Container(deployment);
            Assert.Equal("/readyz", container.Text("readinessProbe", "httpGet", "path"));
            Assert.Equal("/healthz", container.Text("livenessProbe", "httpGet", "path"));
            Assert.Equal(port, container.Text("readinessProbe", "httpGet", "port"));
            Assert.Equal("1654", deployment.Text("spec", "template", "spec", "securityContext", "runAsUser"));
            Assert.Equal("true", deployment.Text("spec", "template", "spec", "securityContext", "runAsNonRoot"));
            Assert.NotNull(container.At("resources", "requests", "cpu"));
            Assert.NotNull(container.At("resources", "requests", "memory"));
            Assert.Equal("0", deployment.Text("spec", "strategy", "rollingUpdate", "maxUnavailable"));
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Edge_GracePeriod_CoversPreStopDrainAndShutdown(string overlay)
    {
        var edge = Find(Yaml.Documents(await RenderAsync(overlay)), "Deployment", "orleansrelay-edge");
        var container = Container(edge);

        var preStop = int.Parse(container.Text("lifecycle", "preStop", "sleep", "seconds"));
        var drain = TimeSpan.Parse(Env(container, "Edge__DrainTimeout").Text("value"), System.Globalization.CultureInfo.InvariantCulture);
        var grace = int.Parse(edge.Text("spec", "template", "spec", "terminationGracePeriodSeconds"));
        // The drain waits at most DrainTimeout + 1 s; then the host stops within .NET's 30 s shutdown timeout.
        Assert.True(preStop + drain.TotalSeconds + 1 + 30 <= grace, $"grace {grace} s < preStop {preStop} s + drain {drain} + 31 s");
        Assert.Equal("http://$(POD_IP):5072", Env(container, "Edge__DataPlaneAdvertiseUrl").Text("value"));
        var names = container.Items("env").Select(e => e.Text("name")).ToList();
        Assert.True(names.IndexOf("POD_IP") < names.IndexOf("Edge__DataPlaneAdvertiseUrl"), "POD_IP must come first for $(POD_IP) to expand");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Edge_DeviceTcpOnALoadBalancer_HttpOnAnIngressFitForStreams_ScaledAndBudgeted(string overlay)
    {
        var objects = Yaml.Documents(await RenderAsync(overlay));

        var devices = Find(objects, "Service", "orleansrelay-edge-devices");
        Assert.Equal("LoadBalancer", devices.Text("spec", "type"));
        Assert.Equal("device", devices.Text("spec", "ports", 0, "targetPort"));
        var ingress = Find(objects, "Ingress", "orleansrelay");
        Assert.Equal("orleansrelay-edge-http", ingress.Text("spec", "rules", 0, "http", "paths", 0, "backend", "service", "name"));
        Assert.Equal("off", ingress.Text("metadata", "annotations", "nginx.ingress.kubernetes.io/proxy-buffering"));
        // Longer than the longest Edge:DeviceRequestTimeout (4 min) and fit for event streams and WebSockets.
        Assert.True(int.Parse(ingress.Text("metadata", "annotations", "nginx.ingress.kubernetes.io/proxy-read-timeout")) >= 3600);

        var autoscaler = Find(objects, "HorizontalPodAutoscaler", "orleansrelay-edge");
        Assert.Equal("orleansrelay-edge", autoscaler.Text("spec", "scaleTargetRef", "name"));
        Assert.True(int.Parse(autoscaler.Text("spec", "minReplicas")) >= 2);
        foreach (var name in new[] { "orleansrelay-silo", "orleansrelay-edge" })
        {
            var budget = Find(objects, "PodDisruptionBudget", name);
            Assert.Equal(name, budget.Text("spec", "selector", "matchLabels", "app.kubernetes.io/name"));
            Assert.Equal(name, Find(objects, "Deployment", name).Text("spec", "selector", "matchLabels", "app.kubernetes.io/name"));
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task NetworkPolicies_KeepSiloAndDataPlanePortsInsideTheCluster(string overlay)
    {
        var objects = Yaml.Documents(await RenderAsync(overlay));

        var silo = Find(objects, "NetworkPolicy", "orleansrelay-silo");
        Assert.Equal("orleansrelay-silo", Assert.Single(AllowedPeers(silo, 11111)));
        Assert.Equal("orleansrelay-edge", Assert.Single(AllowedPeers(silo, 30000)));
        Assert.Equal("namespaces of this cluster", Assert.Single(AllowedPeers(silo, 8080)));
        var edge = Find(objects, "NetworkPolicy", "orleansrelay-edge");
        Assert.Equal("orleansrelay-edge", Assert.Single(AllowedPeers(edge, 5072)));
        Assert.Equal("orleansrelay-edge", Assert.Single(AllowedPeers(edge, 5073)));
        Assert.Equal("anywhere", Assert.Single(AllowedPeers(edge, 5070)));
    }

    [Fact]
    public async Task Secrets_EveryKeyTheHostsRead_IsInTheDevSecret()
    {
        var objects = Yaml.Documents(await RenderAsync("dev"));
        var secret = objects.Single(o => o.Text("kind") == "Secret");

        var referenced = objects.Where(o => o.Text("kind") is "Deployment" or "StatefulSet")
            .SelectMany(o => o.Items("spec", "template", "spec", "containers"))
            .SelectMany(c => c.Items("env"))
            .Where(e => e.At("valueFrom", "secretKeyRef") is not null)
            .Select(e => e.Text("valueFrom", "secretKeyRef", "key"))
            .ToHashSet();
        Assert.Superset(referenced, secret.Keys("data").ToHashSet());
    }

    /// <summary>Who may reach <paramref name="port"/>: the app name of each allowed pod selector, or how wide the rule is.</summary>
    private static IEnumerable<string> AllowedPeers(YamlNode policy, int port) =>
        policy.Items("spec", "ingress")
            .Where(rule => rule.Items("ports").Any(p => p.Text("port") == port.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .SelectMany(rule => rule.At("from") is null
                ? ["anywhere"]
                : rule.Items("from").Select(peer =>
                    peer.At("podSelector") is not null ? peer.Text("podSelector", "matchLabels", "app.kubernetes.io/name")
                    : peer.At("namespaceSelector") is not null ? "namespaces of this cluster"
                    : "an address block"));

    private static YamlMappingNode Find(IEnumerable<YamlMappingNode> objects, string kind, string name) =>
        objects.SingleOrDefault(o => o.Text("kind") == kind && o.Text("metadata", "name") == name)
        ?? throw new Xunit.Sdk.XunitException($"no {kind} {name}");

    private static YamlNode Container(YamlNode deployment) => deployment.At("spec", "template", "spec", "containers", 0)!;

    private static YamlNode Env(YamlNode container, string name) =>
        container.Items("env").SingleOrDefault(e => e.Text("name") == name) ?? throw new Xunit.Sdk.XunitException($"no env {name}");

    private static string EnvField(YamlNode container, string name) => Env(container, name).Text("valueFrom", "fieldRef", "fieldPath");

    private static async Task<string> RenderAsync(string overlay)
    {
        var result = await DeployTool.RunAsync(Folder, "kubectl", ["kustomize", Path.Combine("overlays", overlay)]);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize overlays/{overlay} failed: {result.Error}");
        return result.Output;
    }

    /// <summary>The validator's packages, from the committed lock file (npm ci), once per checkout.</summary>
    private static async Task EnsureValidatorAsync()
    {
        var validator = Path.Combine(Folder, "validate");
        if (!Directory.Exists(Path.Combine(validator, "node_modules", "kubernetes-models")))
        {
            var install = await DeployTool.RunAsync(validator, "npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
            Assert.True(install.ExitCode == 0, install.Error);
        }
    }
}
