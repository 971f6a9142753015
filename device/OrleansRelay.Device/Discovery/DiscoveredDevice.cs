namespace OrleansRelay.Device.Discovery;

/// <summary>A device that answered a discovery probe.</summary>
public sealed record DiscoveredDevice(string Mac, string Name, Uri RestApi)
{
    /// <summary>The reply line as it was sent.</summary>
    public override string ToString() => DiscoveryMessages.Reply(Mac, Name, RestApi);
}
