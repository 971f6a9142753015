using OrleansRelay.Contracts.Grains;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Silo.OAuth;

/// <summary>
/// One user's list of OAuth grants. At most <see cref="MaxGrants"/> are kept: past that, the oldest that is no longer
/// active is dropped (or, when all are active, the oldest), so an account cannot grow it without bound.
/// </summary>
internal sealed class OAuthUserGrantsGrain : Grain, IOAuthUserGrantsGrain
{
    /// <summary>Grants remembered per user.</summary>
    public const int MaxGrants = 500;

    private readonly IPersistentState<OAuthUserGrantsState> _state;

    public OAuthUserGrantsGrain(
        [PersistentState("oauth-user-grants", RelaySiloDefaults.AccountStorageName)] IPersistentState<OAuthUserGrantsState> state)
    {
        _state = state;
    }

    private List<string> GrantIds => _state.State.GrantIds;

    public async ValueTask Add(string grantId)
    {
        if (GrantIds.Contains(grantId, StringComparer.Ordinal))
        {
            return;
        }

        if (GrantIds.Count >= MaxGrants)
        {
            await DropOneAsync();
        }

        GrantIds.Add(grantId);
        await _state.WriteStateAsync();
    }

    public async ValueTask Remove(string grantId)
    {
        if (GrantIds.Remove(grantId))
        {
            await _state.WriteStateAsync();
        }
    }

    public ValueTask<string[]> List() => ValueTask.FromResult(GrantIds.ToArray());

    private async Task DropOneAsync()
    {
        foreach (var grantId in GrantIds)
        {
            if (!await GrainFactory.GetGrain<IOAuthGrantGrain>(grantId).IsActive())
            {
                GrantIds.Remove(grantId);
                return;
            }
        }

        GrantIds.RemoveAt(0);
    }
}
