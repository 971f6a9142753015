namespace OrleansRelay.Silo.OAuth;

/// <summary>The persisted ids of every registered OAuth client.</summary>
[GenerateSerializer, Alias("OrleansRelay.OAuthClientDirectoryState")]
public sealed class OAuthClientDirectoryState
{
    /// <summary>The registered client ids.</summary>
    [Id(0)]
    public SortedSet<string> ClientIds { get; set; } = new(StringComparer.Ordinal);
}
