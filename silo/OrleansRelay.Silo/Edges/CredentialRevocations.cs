using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Grains;

namespace OrleansRelay.Silo.Edges;

/// <summary>
/// Tells every live edge that credentials were revoked, so none keeps admitting them from its credential cache.
/// Awaited by the revoking grain (bounded per edge): when a sign-out, a password change or a revoked OAuth grant
/// returns, every edge that answered has dropped them. An edge that does not answer in time is cut off from the
/// cluster; it drops its whole cache when it reconnects, and its entries expire on their own within a minute.
/// </summary>
internal sealed partial class CredentialRevocations
{
    /// <summary>How long one edge may take to acknowledge.</summary>
    public static readonly TimeSpan EdgeTimeout = TimeSpan.FromSeconds(1);

    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly ILogger<CredentialRevocations> _logger;

    public CredentialRevocations(IGrainFactory grains, TimeProvider time, ILogger<CredentialRevocations> logger)
    {
        _grains = grains;
        _time = time;
        _logger = logger;
    }

    /// <summary>Every live edge drops the cached sign-ins of <paramref name="email"/> (null: of everyone).</summary>
    public async Task BroadcastAsync(string? email)
    {
        Contracts.Model.EdgeRef[] edges;
        try
        {
            edges = await _grains.GetGrain<IEdgeRegistryGrain>(IEdgeRegistryGrain.Key).GetLiveEdges().AsTask().WaitAsync(EdgeTimeout, _time);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.RegistryUnreachable(_logger, email ?? "*", ex.GetType().Name);
            return;
        }

        await Task.WhenAll(edges.Select(async edge =>
        {
            try
            {
                await edge.Observer.CredentialsRevoked(email).WaitAsync(EdgeTimeout, _time);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.EdgeUnreachable(_logger, email ?? "*", edge.EdgeId, ex.GetType().Name);
            }
        }));
    }

    private static partial class Log
    {
        [LoggerMessage(5300, LogLevel.Warning, "Revoked credentials of {Email}: the edge registry could not be read ({Error}); edges drop them when their cache entries expire")]
        public static partial void RegistryUnreachable(ILogger logger, string email, string error);

        [LoggerMessage(5301, LogLevel.Warning, "Revoked credentials of {Email}: edge {EdgeId} did not acknowledge ({Error}); it drops them when its entries expire or it reconnects")]
        public static partial void EdgeUnreachable(ILogger logger, string email, string edgeId, string error);
    }
}
