namespace OrleansRelay.Wire;

/// <summary>Character rules of HTTP/1.1 (RFC 9110/9112) that the head serializer enforces in both directions.</summary>
public static class HttpSyntax
{
    /// <summary>Whether <paramref name="value"/> is a non-empty token (method, header name).</summary>
    public static bool IsToken(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="value"/> can be a header value: no CR, LF or NUL (or other control characters but TAB).</summary>
    public static bool IsFieldValue(string value)
    {
        foreach (var c in value)
        {
            if ((c < 0x20 && c != '\t') || c == 0x7f)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="target"/> is an origin-form request target without whitespace or control characters.</summary>
    public static bool IsTarget(string target)
    {
        if (target.Length == 0 || target[0] != '/')
        {
            return false;
        }

        foreach (var c in target)
        {
            if (c <= 0x20 || c == 0x7f)
            {
                return false;
            }
        }

        return true;
    }

    internal static void EnsureToken(string value, string what)
    {
        if (!IsToken(value))
        {
            throw new ProtocolException(ProtocolErrorCode.InvalidHttpHead, $"Invalid {what}: not an HTTP token.");
        }
    }

    internal static void EnsureFieldValue(string value, string what)
    {
        if (!IsFieldValue(value))
        {
            throw new ProtocolException(ProtocolErrorCode.InvalidHttpHead, $"Invalid {what}: contains CR, LF, NUL or another control character.");
        }
    }

    internal static void EnsureTarget(string target)
    {
        if (!IsTarget(target))
        {
            throw new ProtocolException(ProtocolErrorCode.InvalidHttpHead, "Invalid request target: must start with '/' and contain no whitespace or control characters.");
        }
    }

    internal static void EnsureStatus(int status)
    {
        if (status is < 100 or > 999)
        {
            throw new ProtocolException(ProtocolErrorCode.InvalidHttpHead, $"Invalid status code {status}.");
        }
    }

    private static bool IsTokenChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
