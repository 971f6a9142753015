namespace OrleansRelay.Device.Lan;

/// <summary>A LAN request that cannot be served as sent; answered with <see cref="Status"/> and the connection closed.</summary>
internal sealed class LanHttpException : Exception
{
    public LanHttpException(int status, string message)
        : base(message)
    {
        Status = status;
    }

    public int Status { get; }
}
