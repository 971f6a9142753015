namespace OrleansRelay.LoadTest.Clients;

/// <summary>What the device hub pushes as <c>notification</c> (the edge's <c>DeviceEventMessage</c>, as JSON).</summary>
internal sealed record HubEvent(string DeviceId, long Id, string Data, DateTimeOffset At);
