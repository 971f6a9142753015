using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.OAuth;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Silo.OAuth;

/// <summary>
/// One consent. Codes are single-use, refresh tokens rotate, and presenting a used code or refresh token again is taken
/// as theft: the grant and everything issued under it is revoked (RFC 9700 §2.2.2, §4.14.2).
/// </summary>
internal sealed partial class OAuthGrantGrain : Grain, IOAuthGrantGrain
{
    /// <summary>Rotated-out refresh token ids kept for replay detection; older ones are simply unknown (and refused).</summary>
    private const int UsedRefreshIdsKept = 64;

    private readonly IPersistentState<OAuthGrantState> _state;
    private readonly Edges.CredentialRevocations _revocations;
    private readonly TimeProvider _time;
    private readonly ILogger<OAuthGrantGrain> _logger;

    public OAuthGrantGrain(
        [PersistentState("oauth-grant", RelaySiloDefaults.AccountStorageName)] IPersistentState<OAuthGrantState> state,
        Edges.CredentialRevocations revocations,
        TimeProvider time,
        ILogger<OAuthGrantGrain> logger)
    {
        _state = state;
        _revocations = revocations;
        _time = time;
        _logger = logger;
    }

    private OAuthGrantState State => _state.State;

    private string GrantId => this.GetPrimaryKeyString();

    public async ValueTask Create(OAuthGrant grant)
    {
        if (State.Grant is not null)
        {
            throw new InvalidOperationException($"Grant {GrantId} already exists.");
        }

        State.Grant = grant;
        await _state.WriteStateAsync();
        await GrainFactory.GetGrain<IOAuthUserGrantsGrain>(grant.Email).Add(GrantId);
        Log.Granted(_logger, GrantId, grant.ClientId, grant.Email, grant.Devices.Length);
    }

    public async ValueTask<OAuthRedemption> RedeemCode(string codeId, string refreshId)
    {
        if (State.Grant is not { } grant || State.Revoked || !string.Equals(grant.CodeId, codeId, StringComparison.Ordinal))
        {
            return OAuthRedemption.Inactive;
        }

        if (State.CodeRedeemed)
        {
            await RevokeAsync("authorization code presented twice");
            return OAuthRedemption.Replayed;
        }

        if (grant.CodeExpires < _time.GetUtcNow())
        {
            return OAuthRedemption.Inactive;
        }

        State.CodeRedeemed = true;
        State.CurrentRefreshId = refreshId;
        await _state.WriteStateAsync();
        return OAuthRedemption.Accepted;
    }

    public async ValueTask<OAuthRedemption> Refresh(string presentedId, string nextId)
    {
        if (State.Grant is null || State.Revoked)
        {
            return OAuthRedemption.Inactive;
        }

        if (State.UsedRefreshIds.Contains(presentedId))
        {
            await RevokeAsync("refresh token presented twice");
            return OAuthRedemption.Replayed;
        }

        if (!string.Equals(State.CurrentRefreshId, presentedId, StringComparison.Ordinal))
        {
            return OAuthRedemption.Inactive;
        }

        if (State.UsedRefreshIds.Count >= UsedRefreshIdsKept)
        {
            State.UsedRefreshIds.Clear();
        }

        State.UsedRefreshIds.Add(presentedId);
        State.CurrentRefreshId = nextId;
        await _state.WriteStateAsync();
        return OAuthRedemption.Accepted;
    }

    public async ValueTask<bool> IsActive()
    {
        if (State.Grant is not { } grant || State.Revoked)
        {
            return false;
        }

        var client = await GrainFactory.GetGrain<IOAuthClientGrain>(grant.ClientId).Get();
        return client is not null
            && await GrainFactory.GetGrain<IAccountGrain>(grant.Email).IsTokenValid(GrantId, grant.AccountGeneration);
    }

    public ValueTask<OAuthGrant?> Get() => ValueTask.FromResult(State.Grant);

    public async ValueTask Revoke()
    {
        if (State.Grant is not null && !State.Revoked)
        {
            await RevokeAsync("revoked on request");
        }
    }

    private async Task RevokeAsync(string reason)
    {
        State.Revoked = true;
        State.CurrentRefreshId = null;
        await _state.WriteStateAsync();
        if (State.Grant is { } grant)
        {
            await GrainFactory.GetGrain<IOAuthUserGrantsGrain>(grant.Email).Remove(GrantId);
        }

        // Edges cache the grant's access tokens, under the user's address.
        await _revocations.BroadcastAsync(State.Grant?.Email);
        Log.Revoked(_logger, GrantId, State.Grant?.ClientId, reason);
    }

    private static partial class Log
    {
        [LoggerMessage(5210, LogLevel.Information, "OAuth grant {GrantId}: client {ClientId} may reach {DeviceCount} device(s) of {Email}")]
        public static partial void Granted(ILogger logger, string grantId, string clientId, string email, int deviceCount);

        [LoggerMessage(5211, LogLevel.Warning, "OAuth grant {GrantId} of client {ClientId} revoked: {Reason}")]
        public static partial void Revoked(ILogger logger, string grantId, string? clientId, string reason);
    }
}
