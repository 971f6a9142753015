using OrleansRelay.Edge.Hosting;

if (args.Length > 0 && args[0] == "provision")
{
    return await ProvisionCommand.Create().Parse(args[1..]).InvokeAsync();
}

var builder = WebApplication.CreateBuilder(args);
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
