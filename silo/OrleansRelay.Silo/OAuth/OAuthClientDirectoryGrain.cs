using OrleansRelay.Contracts.Grains;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Silo.OAuth;

/// <summary>The list of registered OAuth clients (operators register a handful; one grain holds them all).</summary>
internal sealed class OAuthClientDirectoryGrain : Grain, IOAuthClientDirectoryGrain
{
    private readonly IPersistentState<OAuthClientDirectoryState> _state;

    public OAuthClientDirectoryGrain(
        [PersistentState("oauth-clients", RelaySiloDefaults.AccountStorageName)] IPersistentState<OAuthClientDirectoryState> state)
    {
        _state = state;
    }

    public async ValueTask Add(string clientId)
    {
        if (_state.State.ClientIds.Add(clientId))
        {
            await _state.WriteStateAsync();
        }
    }

    public async ValueTask Remove(string clientId)
    {
        if (_state.State.ClientIds.Remove(clientId))
        {
            await _state.WriteStateAsync();
        }
    }

    public ValueTask<string[]> List() => ValueTask.FromResult(_state.State.ClientIds.ToArray());
}
