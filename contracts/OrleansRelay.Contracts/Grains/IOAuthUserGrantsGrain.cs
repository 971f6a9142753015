namespace OrleansRelay.Contracts.Grains;

/// <summary>
/// The OAuth grants a user gave (keyed by the user's normalized address), so the user can list and revoke them. Every
/// grant is recorded when it is created; a revoked one is dropped from the list.
/// </summary>
[Alias("OrleansRelay.IOAuthUserGrantsGrain")]
public interface IOAuthUserGrantsGrain : IGrainWithStringKey
{
    /// <summary>Records a grant of this user.</summary>
    [Alias("Add")]
    ValueTask Add(string grantId);

    /// <summary>Forgets a grant (revoked, or found inactive).</summary>
    [Alias("Remove")]
    ValueTask Remove(string grantId);

    /// <summary>The recorded grant ids, oldest first.</summary>
    [Alias("List")]
    ValueTask<string[]> List();
}
