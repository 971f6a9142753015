using System.Net;
using Microsoft.AspNetCore.Hosting;

namespace OrleansRelay.Demo;

/// <summary>The demo device's own REST service, as a device maker would write it (plain HTTP on the device's network).</summary>
public static class DemoDeviceService
{
    /// <summary>Builds the service listening on <paramref name="address"/>:<paramref name="port"/>.</summary>
    public static WebApplication Build(IPAddress address, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, port));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new IrrigationController(sp.GetRequiredService<TimeProvider>()));
        var app = builder.Build();

        app.MapGet("/device", () => Results.Json(IrrigationController.Info));
        app.MapGet("/zones", (IrrigationController c) => Results.Json(c.Zones));
        app.MapGet("/zones/{id:int}", (int id, IrrigationController c) => c.Zone(id) is { } z ? Results.Json(z) : Results.NotFound());
        app.MapMethods("/zones/{id:int}", ["PATCH"], (int id, ZonePatch patch, IrrigationController c) =>
            c.Patch(id, patch) is { } z ? Results.Json(z) : Results.NotFound());
        app.MapPost("/zones/{id:int}/water", (int id, WaterCommand command, IrrigationController c) =>
            command.Minutes is < 0 or > 240
                ? Results.BadRequest(new { error = 400, message = "minutes must be 0–240" })
                : c.Water(id, command.Minutes) is { } z ? Results.Json(z) : Results.NotFound());
        app.MapGet("/programs", (IrrigationController c) => Results.Json(c.Programs));
        app.MapGet("/log", (int? limit, IrrigationController c) => Results.Json(c.Log(limit ?? 20)));
        return app;
    }
}
