using System.Text.Json.Serialization;

namespace OrleansRelay.Demo;

/// <summary>One watering zone of the demo controller.</summary>
public sealed record Zone(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("plant")] string Plant,
    [property: JsonPropertyName("areaSquareMeters")] double AreaSquareMeters,
    [property: JsonPropertyName("moisturePercent")] int MoisturePercent,
    [property: JsonPropertyName("watering")] bool Watering);

/// <summary>A watering schedule.</summary>
public sealed record WateringProgram(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("startTime")] string StartTime,
    [property: JsonPropertyName("days")] string[] Days,
    [property: JsonPropertyName("zoneIds")] int[] ZoneIds,
    [property: JsonPropertyName("minutes")] int Minutes);

/// <summary>A line of the controller's log.</summary>
public sealed record LogEntry(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("message")] string Message);

/// <summary>Body of <c>POST /zones/{id}/water</c>.</summary>
public sealed record WaterCommand([property: JsonPropertyName("minutes")] int Minutes);

/// <summary>Body of <c>PATCH /zones/{id}</c>.</summary>
public sealed record ZonePatch([property: JsonPropertyName("name")] string? Name, [property: JsonPropertyName("plant")] string? Plant);
