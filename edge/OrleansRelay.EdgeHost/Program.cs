using OrleansRelay.Edge.Hosting;
using OrleansRelay.Silo.Hosting;

if (args.Length > 0 && args[0] == "provision")
{
    return await ProvisionCommand.Create().Parse(args[1..]).InvokeAsync();
}

if (args.Length > 0 && args[0] == HealthProbe.Command)
{
    // `orleansrelay-edge healthcheck`: the container image's health check (GET /healthz on this edge's HTTP port).
    var edge = WebApplication.CreateBuilder(args[1..]).Configuration.GetSection(EdgeOptions.SectionName).Get<EdgeOptions>() ?? new EdgeOptions();
    return await HealthProbe.RunAsync(HealthProbe.LocalUrl(edge.BindAddress, edge.HttpPort));
}

var builder = WebApplication.CreateBuilder(args);
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
