using OpenTelemetry.Metrics;
using Orleans.Dashboard;
using OrleansRelay.SiloHost;
using OrleansRelay.Silo.Diagnostics;
using OrleansRelay.Silo.Hosting;
using OrleansRelay.Silo.Storage;

// appsettings.json beside the executable, wherever it is started from (the default, the working directory, lost it).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args.Where(a => a is not ("schema" or HealthProbe.Command)).ToArray(),
    ContentRootPath = AppContext.BaseDirectory,
});
RelayLoggingDefaults.AddTo(builder.Configuration);
var httpPort = builder.Configuration.GetValue("Silo:HttpPort", 8080);
if (args.Contains(HealthProbe.Command))
{
    // `orleansrelay-silo healthcheck`: the container image's health check (GET /healthz on this silo's HTTP port).
    return await HealthProbe.RunAsync(HealthProbe.LocalUrl("0.0.0.0", httpPort));
}

var cluster = RelayClusterOptions.From(builder.Configuration, ClusterMode.Localhost);
var storage = RelayStorageOptions.From(builder.Configuration);
using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
var logger = loggers.CreateLogger("OrleansRelay.SiloHost");

if (args.Contains("schema"))
{
    // `orleansrelay-silo schema`: apply the MySQL schema (idempotent) and exit.
    if (storage.Provider != StorageProvider.MySql)
    {
        logger.LogError("`schema` applies the MySQL schema, but Storage:Provider is {Provider}; set Storage:Provider=MySql and ConnectionStrings:MySql", storage.Provider);
        return 2;
    }

    await SchemaSetup.EnsureAsync(storage with { ApplySchema = true }, logger, TimeSpan.FromSeconds(30), CancellationToken.None);
    return 0;
}

await SchemaSetup.EnsureAsync(storage, logger, TimeSpan.FromSeconds(60), CancellationToken.None);
builder.WebHost.UseUrls($"http://0.0.0.0:{httpPort}");
builder.UseOrleans(silo =>
{
    silo.AddRelaySilo(cluster, storage);
    if (cluster.KubernetesHosting)
    {
        silo.UseKubernetesHosting();
    }

    silo.AddDashboard();
});
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter("Microsoft.Orleans", IdleMemoryTrimmer.MeterName)
    .AddAspNetCoreInstrumentation()
    .AddRuntimeInstrumentation()
    .AddRelayMetricStreamLimits()
    .AddPrometheusExporter());
var app = builder.Build();
app.UseOperatorGate(builder.Configuration["Silo:AdminKey"], "/dashboard", "/metrics", "/diagnostics");
app.MapPrometheusScrapingEndpoint("/metrics");
app.MapOrleansDashboard(routePrefix: "/dashboard");
app.MapGet("/healthz", () => Results.Text("ok"));

// Operator only (behind the gate): a full GC, then heap and RSS (the load test reports them per connected device).
app.MapPost("/diagnostics/memory", () => Results.Json(MemoryDiagnostics.Collect(), MemoryJsonContext.Default.MemoryReport));

// Ready once this silo is an active cluster member (joining, shutting down or declared dead: 503).
app.MapGet("/readyz", (ISiloStatusOracle membership) => membership.CurrentStatus == SiloStatus.Active
    ? Results.Text("ready")
    : Results.Text($"not ready: {membership.CurrentStatus}", statusCode: StatusCodes.Status503ServiceUnavailable));
await app.RunAsync();
return 0;
