using System.Text.Json.Serialization;

namespace OrleansRelay.LoadTest.Reporting;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RunResult))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
