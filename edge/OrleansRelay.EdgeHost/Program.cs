using OrleansRelay.Edge.Hosting;
using OrleansRelay.Silo.Hosting;

if (args.Length > 0 && args[0] == "provision")
{
    return await ProvisionCommand.Create().Parse(args[1..]).InvokeAsync();
}

// appsettings.json beside the executable, wherever it is started from: with the default (the working directory), a
// start from elsewhere silently lost the shipped settings, log levels included (every request logged twice at Information).
var options = new WebApplicationOptions { Args = args.Length > 0 && args[0] == HealthProbe.Command ? args[1..] : args, ContentRootPath = AppContext.BaseDirectory };
if (args.Length > 0 && args[0] == HealthProbe.Command)
{
    // `orleansrelay-edge healthcheck`: the container image's health check (GET /healthz on this edge's HTTP port).
    var edge = WebApplication.CreateBuilder(options).Configuration.GetSection(EdgeOptions.SectionName).Get<EdgeOptions>() ?? new EdgeOptions();
    return await HealthProbe.RunAsync(HealthProbe.LocalUrl(edge.BindAddress, edge.HttpPort));
}

var builder = WebApplication.CreateBuilder(options);
OrleansRelay.Silo.Hosting.RelayLoggingDefaults.AddTo(builder.Configuration);
var generatedKey = EmbeddedAdminKey.EnsureForEmbedded(builder.Configuration);
builder.AddRelayEdge();
var app = builder.Build();
app.MapRelayEdge();
if (generatedKey is not null)
{
    app.Logger.LogWarning("No Edge:AdminKey configured; generated one for this run: {AdminKey}", generatedKey);
}

await app.RunAsync();
return 0;
