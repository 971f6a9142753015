using System.CommandLine.Parsing;

namespace OrleansRelay.Device.Cli;

/// <summary>Parsers for option types System.CommandLine does not parse itself.</summary>
internal static class CliParsers
{
    public static Uri? HttpUrl(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        result.AddError($"'{text}' is not an absolute http(s) URL.");
        return null;
    }

    /// <summary>An http(s) URL that relayed paths can be appended to: no query, no fragment.</summary>
    public static Uri? ServiceUrl(ArgumentResult result)
    {
        if (HttpUrl(result) is not { } uri)
        {
            return null;
        }

        if (ServiceBase.Problem(uri) is { } problem)
        {
            result.AddError(problem);
            return null;
        }

        return uri;
    }
}
