using System.Buffers;
using System.Text;

namespace OrleansRelay.Wire;

/// <summary>
/// Writes and parses the HTTP/1.1 heads carried inside stream frames. Both directions refuse anything that could
/// smuggle a second message or header: CR, LF or NUL in a value, non-token characters in a method or header name,
/// whitespace or control characters in a target, bare LF line ends and obsolete line folding. The body never
/// follows the head in the same frame; it travels in <see cref="FrameType.Data"/> frames.
/// </summary>
public static class HttpHeadSerializer
{
    private const string Version = "HTTP/1.1";
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes a request head (request line, headers, blank line).</summary>
    /// <exception cref="ProtocolException">A component contains characters that HTTP/1.1 does not allow there.</exception>
    public static byte[] WriteRequest(HttpRequestHead head)
    {
        HttpSyntax.EnsureToken(head.Method, "method");
        HttpSyntax.EnsureTarget(head.Target);
        var text = new StringBuilder(256);
        text.Append(head.Method).Append(' ').Append(head.Target).Append(' ').Append(Version).Append("\r\n");
        AppendHeaders(text, head.Headers);
        return Utf8.GetBytes(text.ToString());
    }

    /// <summary>Encodes a response head (status line, headers, blank line).</summary>
    /// <exception cref="ProtocolException">A component contains characters that HTTP/1.1 does not allow there.</exception>
    public static byte[] WriteResponse(HttpResponseHead head)
    {
        HttpSyntax.EnsureStatus(head.Status);
        HttpSyntax.EnsureFieldValue(head.Reason, "reason phrase");
        var text = new StringBuilder(256);
        text.Append(Version).Append(' ').Append(head.Status).Append(' ').Append(head.Reason).Append("\r\n");
        AppendHeaders(text, head.Headers);
        return Utf8.GetBytes(text.ToString());
    }

    /// <summary>Parses a request head that fills <paramref name="bytes"/> exactly.</summary>
    /// <exception cref="ProtocolException">The head is malformed.</exception>
    public static HttpRequestHead ParseRequest(in ReadOnlySequence<byte> bytes)
    {
        var lines = SplitLines(Decode(bytes));
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[2] != Version)
        {
            throw Invalid("Request line must be 'METHOD target HTTP/1.1'.");
        }

        HttpSyntax.EnsureToken(parts[0], "method");
        HttpSyntax.EnsureTarget(parts[1]);
        return new HttpRequestHead(parts[0], parts[1], ParseHeaders(lines));
    }

    /// <summary>Parses a response head that fills <paramref name="bytes"/> exactly.</summary>
    /// <exception cref="ProtocolException">The head is malformed.</exception>
    public static HttpResponseHead ParseResponse(in ReadOnlySequence<byte> bytes)
    {
        var lines = SplitLines(Decode(bytes));
        var statusLine = lines[0];
        if (statusLine.Length < 12 || !statusLine.StartsWith(Version + " ", StringComparison.Ordinal) ||
            (statusLine.Length > 12 && statusLine[12] != ' ') ||
            !int.TryParse(statusLine.AsSpan(9, 3), System.Globalization.NumberStyles.None, null, out var status))
        {
            throw Invalid("Status line must be 'HTTP/1.1 NNN reason'.");
        }

        HttpSyntax.EnsureStatus(status);
        var reason = statusLine.Length > 13 ? statusLine[13..] : string.Empty;
        HttpSyntax.EnsureFieldValue(reason, "reason phrase");
        return new HttpResponseHead(status, reason, ParseHeaders(lines));
    }

    private static void AppendHeaders(StringBuilder text, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers)
        {
            HttpSyntax.EnsureToken(name, "header name");
            HttpSyntax.EnsureFieldValue(value, $"value of header '{name}'");
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        text.Append("\r\n");
    }

    private static string Decode(in ReadOnlySequence<byte> bytes)
    {
        try
        {
            return Utf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid("HTTP head is not valid UTF-8.");
        }
    }

    private static string[] SplitLines(string text)
    {
        if (!text.EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            throw Invalid("HTTP head must end with an empty line (CRLF CRLF) and carry no body.");
        }

        var lines = text[..^4].Split("\r\n");
        foreach (var line in lines)
        {
            if (line.Contains('\n', StringComparison.Ordinal) || line.Contains('\r', StringComparison.Ordinal))
            {
                throw Invalid("Bare CR or LF inside an HTTP head.");
            }
        }

        if (lines[0].Length == 0)
        {
            throw Invalid("HTTP head starts with an empty line.");
        }

        return lines;
    }

    private static List<KeyValuePair<string, string>> ParseHeaders(string[] lines)
    {
        var headers = new List<KeyValuePair<string, string>>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw Invalid(line.Length > 0 && (line[0] == ' ' || line[0] == '\t')
                    ? "Obsolete line folding is not allowed."
                    : "Header line without a name and colon.");
            }

            var name = line[..colon];
            HttpSyntax.EnsureToken(name, "header name");
            var value = line[(colon + 1)..].Trim(' ', '\t');
            HttpSyntax.EnsureFieldValue(value, $"value of header '{name}'");
            headers.Add(new KeyValuePair<string, string>(name, value));
        }

        return headers;
    }

    private static ProtocolException Invalid(string message) => new(ProtocolErrorCode.InvalidHttpHead, message);
}
