namespace OrleansRelay.Edge.Http;

/// <summary>
/// Keeps a relayed request inside the device's API root. The edge routes on Kestrel's normalized path (percent-decoded
/// except <c>%2F</c>, dot segments removed) but relays the client's raw spelling, which the device's own server may
/// decode further. So the edge refuses (400) a raw path whose dot segments climb above <c>/v1/devices/{id}/api</c>,
/// and a device path that still holds, in any encoding (percent-encoded once or more, <c>%2F</c> or a backslash as
/// separator), a dot segment, a control character, or a leading <c>//</c> (a network-path reference, which a client
/// library on the device would resolve to another host).
/// </summary>
internal static class DevicePathCheck
{
    /// <summary>Segments of <c>/v1/devices/{id}/api</c>.</summary>
    private const int RelayRootSegments = 4;

    private const int MaxDecodingRounds = 4;

    /// <summary>
    /// Whether a raw request target under <c>/v1/devices/</c> has dot segments that, resolved the way Kestrel resolves
    /// them, climb above a device's relay root <c>/v1/devices/{id}/api</c> (into another device or an edge endpoint).
    /// </summary>
    public static bool ClimbsAboveRelayRoot(string rawTarget)
    {
        var segments = PathOf(RawPath(rawTarget)).Split('/').Skip(1).ToArray();
        if (segments.Length < 2 || !segments[0].Equals("v1", StringComparison.OrdinalIgnoreCase) ||
            !segments[1].Equals("devices", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var depth = 0;
        foreach (var segment in segments)
        {
            var decoded = DecodeDots(segment);
            if (decoded == "..")
            {
                if (depth <= RelayRootSegments)
                {
                    return true;
                }

                depth--;
            }
            else if (decoded != ".")
            {
                depth++;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="path"/> has a dot segment once <c>%2E</c> is decoded, as Kestrel decodes it.</summary>
    public static bool HasDotSegments(string path) => PathOf(path).Split('/').Any(s => DecodeDots(s) is "." or "..");

    /// <summary>Why <paramref name="target"/> (path and query, as sent to the device) is refused, or null.</summary>
    public static string? Problem(string target)
    {
        var path = PathOf(target);
        for (var round = 0; round <= MaxDecodingRounds; round++)
        {
            if (path.Length > 1 && path[0] is ('/' or '\\') && path[1] is ('/' or '\\'))
            {
                return "The path may not start with '//' (a reference to another host), in any encoding.";
            }

            foreach (var segment in path.Split('/', '\\'))
            {
                if (segment is "." or "..")
                {
                    return "The path may not contain '.' or '..' segments, in any encoding.";
                }
            }

            foreach (var c in path)
            {
                if (char.IsControl(c))
                {
                    return "The path may not contain control characters (CR, LF, NUL, ...), in any encoding.";
                }
            }

            var decoded = Uri.UnescapeDataString(path);
            if (decoded == path)
            {
                return null;
            }

            path = decoded;
        }

        return "The path is percent-encoded too many times.";
    }

    private static string PathOf(string target)
    {
        var query = target.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? target : target[..query];
    }

    /// <summary>The path of an origin-form or absolute-form target.</summary>
    private static string RawPath(string rawTarget)
    {
        if (rawTarget.StartsWith('/'))
        {
            return rawTarget;
        }

        var authority = rawTarget.IndexOf("://", StringComparison.Ordinal);
        var path = authority < 0 ? -1 : rawTarget.IndexOf('/', authority + 3);
        return path < 0 ? "/" : rawTarget[path..];
    }

    private static string DecodeDots(string segment) =>
        segment.Replace("%2e", ".", StringComparison.OrdinalIgnoreCase);
}
