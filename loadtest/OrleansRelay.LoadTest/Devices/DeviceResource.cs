namespace OrleansRelay.LoadTest.Devices;

/// <summary>
/// The simulated REST API, as the clients address it (<c>/v1/devices/{id}/api/...</c>):
/// <list type="bullet">
/// <item><c>GET /device</c>: the profile, <c>Cache-Control: max-age=300</c>;</item>
/// <item><c>GET /status</c>: sized, cacheable (<c>max-age=60</c>): what the <c>cached</c> scenario reads;</item>
/// <item><c>GET /readings</c>: sized, live (<c>no-store</c>): what the uncached relay load reads;</item>
/// <item><c>POST /zones/{n}/commands</c>: takes a JSON command, answers <c>{"accepted":true}</c>.</item>
/// </list>
/// </summary>
internal static class DeviceResource
{
    public const string Profile = "/device";
    public const string Status = "/status";
    public const string Readings = "/readings";

    public static string Command(int zone) => $"/zones/{zone}/commands";
}
