using System.CommandLine;

namespace OrleansRelay.Device.Cli;

/// <summary>
/// The daemon's options from the environment, for containers, whose configuration is environment variables only:
/// an option the command line does not give is taken from <c>ORLEANSRELAY_&lt;NAME&gt;</c> (<c>--device-id</c> →
/// <c>ORLEANSRELAY_DEVICE_ID</c>); <c>--server</c> takes a comma-separated list. The command line wins. Subcommands
/// (<c>discover</c>, <c>provision</c>, <c>healthcheck</c>) read only their own arguments.
/// </summary>
internal static class EnvironmentArguments
{
    /// <summary>The variables' common prefix.</summary>
    public const string Prefix = "ORLEANSRELAY_";

    /// <summary><paramref name="args"/> plus the options of <paramref name="options"/> that <paramref name="read"/> finds.</summary>
    public static string[] Add(string[] args, IEnumerable<Option> options, Func<string, string?> read)
    {
        if (args is [var first, ..] && !first.StartsWith('-'))
        {
            return args;
        }

        var result = new List<string>(args);
        foreach (var option in options)
        {
            if (IsGiven(args, option) || read(VariableName(option)) is not { } value || string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            var values = option.ValueType == typeof(string[])
                ? value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                : [value.Trim()];
            foreach (var item in values)
            {
                result.Add(option.Name);
                result.Add(item);
            }
        }

        return [.. result];
    }

    /// <summary>The variable that stands for <paramref name="option"/>.</summary>
    public static string VariableName(Option option) =>
        Prefix + option.Name.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    private static bool IsGiven(string[] args, Option option) =>
        args.Any(arg => (arg.Split('=', 2)[0] is var name) && (name == option.Name || option.Aliases.Contains(name)));
}
