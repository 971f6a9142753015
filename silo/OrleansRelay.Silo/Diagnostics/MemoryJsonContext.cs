using System.Text.Json.Serialization;

namespace OrleansRelay.Silo.Diagnostics;

/// <summary>Source-generated JSON for <see cref="MemoryReport"/>.</summary>
[JsonSerializable(typeof(MemoryReport))]
public sealed partial class MemoryJsonContext : JsonSerializerContext;
