using System.Text.Json.Serialization;

namespace OrleansRelay.LoadTest.Measurement;

/// <summary>Source-generated JSON for what the relay's diagnostics answer.</summary>
[JsonSerializable(typeof(ProcessMemory))]
internal sealed partial class MeasurementJsonContext : JsonSerializerContext;
