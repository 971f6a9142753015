namespace OrleansRelay.Contracts.Grains;

/// <summary>The ids of every registered OAuth client, for the operator's list (one grain, key <see cref="Key"/>).</summary>
[Alias("OrleansRelay.IOAuthClientDirectoryGrain")]
public interface IOAuthClientDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The one directory's key.</summary>
    public const string Key = "all";

    /// <summary>Records a registered client.</summary>
    [Alias("Add")]
    ValueTask Add(string clientId);

    /// <summary>Forgets a deleted client.</summary>
    [Alias("Remove")]
    ValueTask Remove(string clientId);

    /// <summary>Every registered client id.</summary>
    [Alias("List")]
    ValueTask<string[]> List();
}
