using OrleansRelay.Edge.Hosting;

if (args.Length > 0 && args[0] == "provision")
{
    return await ProvisionCommand.Create().Parse(args[1..]).InvokeAsync();
}

// appsettings.json beside the executable, wherever it is started from: with the default (the working directory), a
// start from elsewhere silently lost the shipped settings, log levels included (every request logged twice at Information).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
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
