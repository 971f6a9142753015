namespace OrleansRelay.Tests.Wire;

/// <summary>Finds the checkout the tests run from, for tests that read its files (corpora, documented examples).</summary>
internal static class RepositoryPaths
{
    public static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrleansRelay.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("OrleansRelay.sln not found above " + AppContext.BaseDirectory);
    }
}
