namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>Where the repository and the tests' build configuration are, seen from the test binaries.</summary>
internal static class RepositoryRoot
{
    // tests/OrleansRelay.FunctionalTests/bin/<Configuration>/net10.0
    private static readonly DirectoryInfo TestBin = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    /// <summary>The repository's root directory.</summary>
    public static string Location => TestBin.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>The build configuration the tests run in (Debug, Release).</summary>
    public static string Configuration => TestBin.Parent!.Name;

    /// <summary>The target framework folder name (net10.0).</summary>
    public static string Framework => TestBin.Name;
}
