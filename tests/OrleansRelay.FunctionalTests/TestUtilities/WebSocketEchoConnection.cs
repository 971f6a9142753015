using System.Net.WebSockets;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>What the device's WebSocket endpoint saw on one connection (named by the client's <c>conn</c> query parameter).</summary>
internal sealed class WebSocketEchoConnection
{
    /// <summary>The device accepted the WebSocket.</summary>
    public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The close status and description the device received from the client.</summary>
    public TaskCompletionSource<(WebSocketCloseStatus? Status, string? Description)> ClosedByClient { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}
