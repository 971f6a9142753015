using System.Globalization;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.DataPlane;

/// <summary>
/// The one place that knows how the new data plane is configured (issue 14): each edge's internal edge-to-edge port,
/// <c>Edge:DataPlanePort</c> (default 5072). Several edges share this machine, so every edge the data-plane tests
/// start gets a port of its own: 0 for in-process edges (like <c>Edge:HttpPort</c>; the bound port would be
/// <c>EdgeEndpoints.DataPlaneEndPoint</c>, which no test needs), a free port for edge processes. Edges that do not know
/// the setting yet ignore it. If the setting is renamed, change it here.
/// </summary>
internal static class DataPlaneSettings
{
    public const string PortKey = "Edge:DataPlanePort";

    /// <summary>Settings for an in-process <see cref="TestEdge"/>.</summary>
    public static Dictionary<string, string?> InProcess() => new() { [PortKey] = "0", ["Edge:DataPlaneUpgradePort"] = "0" };

    /// <summary>Command-line arguments for an <see cref="EdgeProcess"/>.</summary>
    public static string[] ProcessArguments() =>
        [$"--{PortKey}={FreePort.Next().ToString(CultureInfo.InvariantCulture)}", $"--Edge:DataPlaneUpgradePort={FreePort.Next().ToString(CultureInfo.InvariantCulture)}"];
}
