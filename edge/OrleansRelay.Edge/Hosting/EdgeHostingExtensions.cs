using Microsoft.AspNetCore.Hosting;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Edge.Connections;
using OrleansRelay.Edge.Events;
using OrleansRelay.Edge.Hubs;
using OrleansRelay.Edge.Diagnostics;
using OrleansRelay.Edge.Http;
using OrleansRelay.Edge.OAuth;
using OrleansRelay.Edge.RateLimits;
using OrleansRelay.Silo.Diagnostics;
using OrleansRelay.Silo.Hosting;
using OpenTelemetry.Metrics;

namespace OrleansRelay.Edge.Hosting;

/// <summary>Composes an edge: listeners, cluster connection, services and endpoints.</summary>
public static class EdgeHostingExtensions
{
    /// <summary>
    /// Adds the edge to <paramref name="builder"/>: the client API and device listeners from the <c>Edge</c> section, and
    /// the cluster from the <c>Cluster</c> section (embedded silo by default, or an Orleans client).
    /// </summary>
    public static WebApplicationBuilder AddRelayEdge(this WebApplicationBuilder builder)
    {
        var edge = builder.Configuration.GetSection(EdgeOptions.SectionName).Get<EdgeOptions>() ?? new EdgeOptions();
        var cluster = RelayClusterOptions.From(builder.Configuration);
        var httpLimits = builder.Configuration.GetSection(HttpLimitsOptions.SectionName).Get<HttpLimitsOptions>() ?? new HttpLimitsOptions();

        var services = builder.Services;
        services.AddOptions<EdgeOptions>().BindConfiguration(EdgeOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EdgeOptions>, EdgeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeviceSessionRegistry>();
        services.TryAddSingleton<DeviceAdmission>();
        services.TryAddSingleton<PendingConnections>();
        // The operator key, hashed once per edge (the options validator refuses to start without it).
        services.TryAddSingleton(sp => new OperatorKey(sp.GetRequiredService<IOptions<EdgeOptions>>().Value.AdminKey));
        services.TryAddSingleton<DeviceEventFeeds>();
        services.TryAddSingleton<DeviceEventHub>();
        services.TryAddSingleton<HubSubscriptions>();
        services.AddSignalR();
        services.TryAddSingleton<EdgeObserver>();
        services.TryAddSingleton<EdgeIdentity>();
        services.TryAddSingleton<EdgeMetrics>();
        services.TryAddSingleton<EdgeEndpoints>();
        services.AddSingleton<DeviceGrainReferences>();
        services.AddOptions<Caching.CacheOptions>().BindConfiguration(Caching.CacheOptions.SectionName);
        services.TryAddSingleton<Caching.CacheMetrics>();
        services.AddHttpForwarder();
        services.TryAddSingleton<DataPlane.DeviceRoutes>();
        services.TryAddSingleton<DataPlane.DataPlaneKey>();
        services.TryAddSingleton<DataPlane.PeerEdgeClient>();
        services.TryAddSingleton<DataPlane.LocalRelay>();
        services.TryAddSingleton<DataPlane.RelayRouter>();
        services.TryAddSingleton<DataPlane.BufferedDeviceRequests>();
        services.AddSingleton<SessionRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionRefresher>());
        services.AddHostedService<Fleet.RelayMetricsSampler>();
        services.AddIdleMemoryTrim();
        services.AddSingleton<EdgeLease>();
        services.AddHostedService(sp => sp.GetRequiredService<EdgeLease>());
        services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AdminJsonContext.Default));
        services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, Fleet.FleetJsonContext.Default));
        services.AddRelayAccounts(builder.Configuration);
        services.AddRelayOAuth();
        services.AddRelayRateLimits(builder.Configuration);
        services.AddOpenApi();

        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(EdgeMetrics.MeterName, Caching.CacheMetrics.MeterName, IdleMemoryTrimmer.MeterName, "Microsoft.Orleans")
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddRelayMetricStreamLimits()
            .AddPrometheusExporter());

        var endpoints = new EdgeEndpoints();
        services.AddSingleton(endpoints);
        services.AddOptions<HttpLimitsOptions>().BindConfiguration(HttpLimitsOptions.SectionName);
        if (edge.LargeTransportBuffers)
        {
            // Kestrel resolves its transport's pool factory from DI (it only adds its own when none is registered).
            services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            HttpLimitsSetup.Apply(kestrel.Limits, httpLimits);
            var address = IPAddress.Parse(edge.BindAddress);
            kestrel.Listen(address, edge.HttpPort, listen => endpoints.Http = listen);
            kestrel.Listen(address, edge.DevicePort, listen =>
            {
                if (edge.DeviceTls?.CertificatePath is not null)
                {
                    listen.UseHttps(DeviceTlsSetup.Create(edge.DeviceTls));
                }

                listen.UseConnectionHandler<DeviceConnectionHandler>();
                endpoints.Device = listen;
            });
            kestrel.Listen(address, edge.DataPlanePort, listen =>
            {
                // Peers speak HTTP/2 with prior knowledge (cleartext Kestrel picks HTTP/1.1 on a mixed endpoint).
                listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2;
                endpoints.DataPlane = listen;
            });
            kestrel.Listen(address, edge.DataPlaneUpgradePort, listen =>
            {
                // Upgrades (WebSocket tunnels) need HTTP/1.1: the upgraded connection is the tunnel.
                listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1;
                endpoints.DataPlaneUpgrades = listen;
            });
        });

        switch (cluster.Mode)
        {
            case ClusterMode.Embedded:
                builder.UseOrleans(silo => silo.AddRelaySilo(cluster, RelayStorageOptions.From(builder.Configuration)));
                break;
            case ClusterMode.Redis:
                var redis = cluster.RedisConnectionString
                    ?? throw new InvalidOperationException("Cluster:Mode is Redis but ConnectionStrings:Redis is not set.");
                builder.UseOrleansClient(client => client
                    .Configure<Orleans.Configuration.ClusterOptions>(o =>
                    {
                        o.ClusterId = cluster.ClusterId;
                        o.ServiceId = cluster.ServiceId;
                    })
                    .UseRedisClustering(redis)
                    .AddGatewayCountChangedHandler(OnGatewaysChanged));
                break;
            default:
                builder.UseOrleansClient(client => client
                    .UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId)
                    .AddGatewayCountChangedHandler(OnGatewaysChanged));
                break;
        }

        return builder;
    }

    private static Orleans.GatewayCountChangedHandler OnGatewaysChanged(IServiceProvider services) =>
        (_, e) => services.GetRequiredService<SessionRefresher>().OnClusterChanged(e.NumberOfConnectedGateways, e.PreviousNumberOfConnectedGateways);

    /// <summary>Maps the edge's HTTP endpoints: health, operator API and relay.</summary>
    public static WebApplication MapRelayEdge(this WebApplication app)
    {
        // Peer edges' forwarded requests take their own short path, ahead of the client pipeline.
        DataPlane.DataPlaneEndpoint.UseDataPlane(app);
        app.UseRelayRootGuard();
        // The relay takes its own short path too (Http/RelayEndpoint); routing and the client API's middleware follow.
        app.UseRelay();
        app.UseRouting();
        app.UseAuthentication();
        // Before authorization: requests refused for lack of credentials count toward their address's limit too.
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapHealth();
        app.MapOpenApi("/openapi/{documentName}.json");
        // Metrics reveal how many devices an edge holds: operators only (admin key, or the key as a bearer token).
        var metricsGuard = ActivatorUtilities.CreateInstance<AdminKeyFilter>(app.Services);
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/metrics") && !metricsGuard.IsAuthorized(context))
            {
                await RelayErrors.Json(Microsoft.AspNetCore.Http.StatusCodes.Status401Unauthorized, "Unauthorized").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapAdmin();
        Fleet.FleetEndpoints.MapFleet(app);
        app.MapMemoryDiagnostics();
        app.MapFactory();
        app.MapEventStreams();
        app.MapAllEvents();
        Webhooks.WebhookEndpoints.MapWebhooks(app);
        app.MapHub<DeviceHub>(DeviceHub.Path).RequireAuthorization(RelayClaims.UserOrOperatorPolicy);
        app.MapDashboard();
        app.MapRelayAccounts();
        app.MapRelayOAuth();
        return app;
    }
}
