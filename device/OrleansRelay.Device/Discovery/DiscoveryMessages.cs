using System.Text;

namespace OrleansRelay.Device.Discovery;

/// <summary>
/// The LAN discovery datagrams (UTF-8, no line end). Probe, broadcast to UDP 15800: <c>CloudREST || DISCOVER</c> (any
/// datagram is answered as a probe, as the thesis's clients send any "dummy message"; this is the one to send).
/// Reply, sent to the prober's address on UDP 15900: <c>CloudREST || &lt;MAC&gt; || &lt;name&gt; || &lt;REST API URL&gt;</c>.
/// </summary>
public static class DiscoveryMessages
{
    /// <summary>Port devices listen on for probes.</summary>
    public const int ProbePort = 15800;

    /// <summary>Port probers receive replies on.</summary>
    public const int ReplyPort = 15900;

    /// <summary>Every datagram starts with this.</summary>
    public const string Magic = "CloudREST";

    /// <summary>Field separator.</summary>
    public const string Separator = " || ";

    /// <summary>The probe's exact text.</summary>
    public const string Probe = Magic + Separator + "DISCOVER";

    /// <summary>The probe's bytes.</summary>
    public static ReadOnlySpan<byte> ProbeBytes => "CloudREST || DISCOVER"u8;

    /// <summary>A device's reply. <paramref name="name"/> loses any separator it contains, so the reply stays parseable.</summary>
    public static string Reply(string mac, string name, Uri restApi) =>
        string.Join(Separator, Magic, mac, name.Replace("||", "|", StringComparison.Ordinal).Trim(), restApi.ToString());

    /// <summary>Parses a reply; false for anything else.</summary>
    public static bool TryParseReply(ReadOnlySpan<byte> datagram, out DiscoveredDevice device)
    {
        device = default!;
        var fields = Encoding.UTF8.GetString(datagram).Split(Separator);
        if (fields.Length != 4 || fields[0] != Magic || !Uri.TryCreate(fields[3], UriKind.Absolute, out var url))
        {
            return false;
        }

        device = new DiscoveredDevice(fields[1], fields[2], url);
        return true;
    }
}
