namespace OrleansRelay.LoadTest.Deployment;

/// <summary>Finds the built relay executables beside this one: <c>&lt;repo&gt;/&lt;project&gt;/bin/&lt;configuration&gt;/&lt;tfm&gt;/&lt;assembly&gt;.dll</c>.</summary>
internal static class RelayExecutables
{
    public static string Silo => Find("silo/OrleansRelay.SiloHost", "orleansrelay-silo");

    public static string Edge => Find("edge/OrleansRelay.EdgeHost", "orleansrelay-edge");

    private static string Find(string project, string assembly)
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = bin.Name;
        var configuration = bin.Parent?.Name ?? "Release";
        var root = bin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "OrleansRelay.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new FileNotFoundException("Cannot find the OrleansRelay repository above the load test; use --edge-url and --device-endpoint to target a running relay.");
        }

        var dll = Path.Combine(root.FullName, project, "bin", configuration, framework, assembly + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the solution first ({assembly} is missing).", dll);
    }
}
