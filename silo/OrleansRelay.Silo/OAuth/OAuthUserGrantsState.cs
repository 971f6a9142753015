namespace OrleansRelay.Silo.OAuth;

/// <summary>The persisted ids of one user's OAuth grants, in the order they were given.</summary>
[GenerateSerializer, Alias("OrleansRelay.OAuthUserGrantsState")]
public sealed class OAuthUserGrantsState
{
    /// <summary>The grant ids, oldest first.</summary>
    [Id(0)]
    public List<string> GrantIds { get; set; } = [];
}
