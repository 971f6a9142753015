using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansRelay.LoadTest.Measurement;

namespace OrleansRelay.LoadTest.Clients;

/// <summary>
/// One SignalR subscriber (<c>/hubs/devices</c> over WebSockets with the operator key as access token) that calls
/// <c>Subscribe(deviceId)</c> and hands each <c>notification</c> push to the <see cref="DeliveryTracker"/>. On
/// <c>overflow</c> (it fell behind and the edge dropped its subscription) it subscribes again and counts a restart.
/// </summary>
internal sealed class SignalRSubscriber : IAsyncDisposable
{
    private readonly HubConnection _hub;
    private readonly string _deviceId;
    private readonly DeliveryTracker _tracker;
    private readonly int _index;

    public SignalRSubscriber(Uri edge, string adminKey, string deviceId, DeliveryTracker tracker)
    {
        _deviceId = deviceId;
        _tracker = tracker;
        _index = tracker.AddSubscriber(deviceId, "signalr");
        _hub = new HubConnectionBuilder()
            .WithUrl(new Uri(edge, "/hubs/devices"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(adminKey);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        _hub.On<HubEvent>("notification", e => _tracker.Received(_index, e.Data));
        _hub.On<string>("overflow", device =>
        {
            // Not awaited here: the client's receive loop waits for handlers, so it could not see the answer.
            _tracker.Subscribers[_index].Restarted();
            _ = Task.Run(() => _hub.InvokeAsync("Subscribe", _deviceId));
            return Task.CompletedTask;
        });
    }

    /// <summary>Connects and subscribes; the edge has subscribed at the device's grain when this completes.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _hub.StartAsync(cancellationToken);
        await _hub.InvokeAsync("Subscribe", _deviceId, cancellationToken);
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();
}
