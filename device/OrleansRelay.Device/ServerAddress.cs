using System.Globalization;

namespace OrleansRelay.Device;

/// <summary>An edge's device endpoint as given on the command line. The host is resolved on every attempt (DNS may change).</summary>
public sealed record ServerAddress(string Host, int Port)
{
    /// <summary>Parses <c>host:port</c> or <c>[v6]:port</c>.</summary>
    /// <exception cref="FormatException">Not in that form.</exception>
    public static ServerAddress Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1 ||
            !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"'{text}' is not host:port.");
        }

        var host = text[..colon].Trim('[', ']');
        return new ServerAddress(host, port);
    }

    /// <inheritdoc />
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
