using OrleansRelay.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
var cluster = builder.Configuration.GetSection(RelayClusterOptions.SectionName).Get<RelayClusterOptions>() ?? new RelayClusterOptions();
var httpPort = builder.Configuration.GetValue("Silo:HttpPort", 8080);
builder.WebHost.UseUrls($"http://0.0.0.0:{httpPort}");
builder.UseOrleans(silo => silo.AddRelaySilo(cluster));
var app = builder.Build();
app.MapGet("/healthz", () => Results.Text("ok"));
app.MapGet("/readyz", () => Results.Text("ready"));
await app.RunAsync();
