using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Tests.Silo;

/// <summary>
/// <c>Cluster:KubernetesHosting</c> as the silo host applies it: the silo's identity comes from the downward API's
/// variables, its ports from the relay's configuration. The host is built, not started (starting it would ask the
/// Kubernetes API). The variables are process-wide, so these tests run in a collection of their own.
/// </summary>
[Collection(Name)]
public sealed class KubernetesHostingTests
{
    private const string Name = "Kubernetes environment variables";

    [Fact]
    public void KubernetesHosting_PodVariablesSet_SiloIsNamedAfterThePodAndAdvertisesItsIp()
    {
        using var pod = new PodEnvironment("orleansrelay-silo-7d9f-abcde", "relay", "10.244.1.17");
        using var host = BuildSilo(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Redis",
            ["Cluster:KubernetesHosting"] = "true",
            ["Cluster:SiloPort"] = "11112",
            ["Cluster:GatewayPort"] = "30002",
            ["Cluster:ServiceId"] = "relay-service",
            ["ConnectionStrings:Redis"] = "127.0.0.1:1",
        });

        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal("orleansrelay-silo-7d9f-abcde", host.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
        Assert.Equal(IPAddress.Parse("10.244.1.17"), endpoints.AdvertisedIPAddress);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 11112), endpoints.SiloListeningEndpoint);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 30002), endpoints.GatewayListeningEndpoint);
        Assert.Equal("relay-service", host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId);
    }

    [Fact]
    public void KubernetesHosting_AdvertisedAddressSet_ItWinsOverThePodIp()
    {
        using var pod = new PodEnvironment("silo-0", "relay", "10.244.1.18");
        using var host = BuildSilo(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Redis",
            ["Cluster:KubernetesHosting"] = "true",
            ["Cluster:AdvertisedAddress"] = "10.0.0.9",
            ["ConnectionStrings:Redis"] = "127.0.0.1:1",
        });

        Assert.Equal(IPAddress.Parse("10.0.0.9"), host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.AdvertisedIPAddress);
    }

    [Fact]
    public void KubernetesHosting_WithoutRedisMode_IsRefusedWithTheReason()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BuildSilo(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Localhost",
            ["Cluster:KubernetesHosting"] = "true",
        }).Dispose());

        Assert.Contains("Cluster:Mode=Redis", error.Message, StringComparison.Ordinal);
    }

    /// <summary>What the silo host does: the relay's silo, plus Kubernetes hosting when the configuration asks.</summary>
    private static IHost BuildSilo(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        var cluster = RelayClusterOptions.From(builder.Configuration, ClusterMode.Localhost);
        builder.UseOrleans(silo =>
        {
            silo.AddRelaySilo(cluster);
            if (cluster.KubernetesHosting)
            {
                silo.UseKubernetesHosting();
            }
        });
        return builder.Build();
    }

    /// <summary>Sets the downward API's variables for one test and removes them afterwards.</summary>
    private sealed class PodEnvironment : IDisposable
    {
        private static readonly string[] Variables = ["POD_NAME", "POD_NAMESPACE", "POD_IP"];

        public PodEnvironment(string name, string ns, string ip)
        {
            Environment.SetEnvironmentVariable("POD_NAME", name);
            Environment.SetEnvironmentVariable("POD_NAMESPACE", ns);
            Environment.SetEnvironmentVariable("POD_IP", ip);
        }

        public void Dispose()
        {
            foreach (var variable in Variables)
            {
                Environment.SetEnvironmentVariable(variable, null);
            }
        }
    }

    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class EnvironmentCollection;
}
