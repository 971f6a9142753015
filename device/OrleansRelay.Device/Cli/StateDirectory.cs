namespace OrleansRelay.Device.Cli;

/// <summary>Where the daemon keeps its state when <c>--state-dir</c> does not say.</summary>
internal static class StateDirectory
{
    /// <summary>The system-wide state directory (the container image and packages create it).</summary>
    public const string System = "/var/lib/orleansrelay";

    /// <summary>
    /// <c>$STATE_DIRECTORY</c> (set by systemd's <c>StateDirectory=</c>), else <see cref="System"/> when it exists, else
    /// the user's state directory (<c>$XDG_STATE_HOME/orleansrelay</c>, <c>~/.local/state/orleansrelay</c>).
    /// </summary>
    public static string Default(Func<string, string?> environment, Func<string, bool> directoryExists)
    {
        if (environment("STATE_DIRECTORY") is { Length: > 0 } systemd)
        {
            // systemd may list several, separated by colons; the first is ours.
            return systemd.Split(':')[0];
        }

        if (directoryExists(System))
        {
            return System;
        }

        var userState = environment("XDG_STATE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(userState, "orleansrelay");
    }

    /// <summary>The outbox directory of <paramref name="deviceId"/> under <paramref name="stateDirectory"/>: one per device id, so two daemons on a board never share one.</summary>
    public static string OutboxOf(string stateDirectory, string deviceId) => Path.Combine(stateDirectory, "outbox", deviceId);
}
