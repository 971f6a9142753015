namespace OrleansRelay.Edge.Hosting;

/// <summary>
/// The exceptions of a grain call that mean the cluster failed it, not this edge: a timeout, any Orleans error, and
/// an <see cref="OperationCanceledException"/> the edge did not ask for (the edge passes no token to grain calls;
/// Orleans cancels calls, e.g. a grain directory lookup, while a silo that died is being removed). Seen under
/// <c>bench/fault-injection.sh</c>: such a cancellation escaping a background service stopped the edge host.
/// </summary>
internal static class ClusterFailure
{
    public static bool Is(Exception exception) => exception is TimeoutException or OrleansException or OperationCanceledException;
}
