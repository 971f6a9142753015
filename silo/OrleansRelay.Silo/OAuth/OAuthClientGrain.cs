using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.OAuth;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Silo.OAuth;

/// <summary>One registered OAuth client, persisted with the accounts.</summary>
internal sealed partial class OAuthClientGrain : Grain, IOAuthClientGrain
{
    private readonly IPersistentState<OAuthClientState> _state;
    private readonly Edges.CredentialRevocations _revocations;
    private readonly ILogger<OAuthClientGrain> _logger;

    public OAuthClientGrain(
        [PersistentState("oauth-client", RelaySiloDefaults.AccountStorageName)] IPersistentState<OAuthClientState> state,
        Edges.CredentialRevocations revocations,
        ILogger<OAuthClientGrain> logger)
    {
        _state = state;
        _revocations = revocations;
        _logger = logger;
    }

    public async ValueTask<bool> Register(OAuthClient client, byte[]? secretHash)
    {
        if (_state.State.Client is not null)
        {
            return false;
        }

        _state.State.Client = client;
        _state.State.SecretHash = secretHash;
        await _state.WriteStateAsync();
        await GrainFactory.GetGrain<IOAuthClientDirectoryGrain>(IOAuthClientDirectoryGrain.Key).Add(client.ClientId);
        Log.Registered(_logger, client.ClientId, client.Name, client.Confidential);
        return true;
    }

    public ValueTask<OAuthClient?> Get() => ValueTask.FromResult(_state.State.Client);

    public ValueTask<bool> VerifySecret(byte[] secretHash) => ValueTask.FromResult(
        _state.State is { Client.Confidential: true, SecretHash: { } stored } && CryptographicOperations.FixedTimeEquals(stored, secretHash));

    public async ValueTask<bool> Delete()
    {
        if (_state.State.Client is not { } client)
        {
            return false;
        }

        await _state.ClearStateAsync();
        _state.State = new OAuthClientState();
        await GrainFactory.GetGrain<IOAuthClientDirectoryGrain>(IOAuthClientDirectoryGrain.Key).Remove(client.ClientId);
        // Its grants stop working with it; edges cache their access tokens under the users' addresses: drop them all.
        await _revocations.BroadcastAsync(null);
        Log.Deleted(_logger, client.ClientId);
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(5200, LogLevel.Information, "OAuth client {ClientId} ({Name}) registered, confidential: {Confidential}")]
        public static partial void Registered(ILogger logger, string clientId, string name, bool confidential);

        [LoggerMessage(5201, LogLevel.Information, "OAuth client {ClientId} deleted: every grant made to it is void")]
        public static partial void Deleted(ILogger logger, string clientId);
    }
}
