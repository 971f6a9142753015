using OrleansRelay.Edge.Relaying;

namespace OrleansRelay.Tests.Edge.Caching;

/// <summary>
/// The device side of <c>CachingRelay</c>'s seam: records every request that reaches "the device" and answers
/// with whatever the test scripts. The relay path through real sockets is covered by the functional tests.
/// </summary>
internal sealed class FakeDevice
{
    public List<RelayRequest> Received { get; } = [];

    public Func<RelayRequest, RelayResponse> Respond { get; set; } = _ => Ok("{\"zones\":6}");

    /// <summary>When set, requests wait for it before answering (to hold several in flight).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public async Task<RelayResponse> ForwardAsync(RelayRequest request, bool bufferForCache)
    {
        Received.Add(request);
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        return Respond(request);
    }

    public static RelayResponse Ok(string body, params KeyValuePair<string, string>[] headers) =>
        new(200, "OK", [new("Content-Type", "application/json"), .. headers], System.Text.Encoding.UTF8.GetBytes(body), RelayError.None, null);

    public static RelayRequest Request(string method, string target, params KeyValuePair<string, string>[] headers) =>
        new(method, target, headers, [], TimeSpan.FromSeconds(30));
}
