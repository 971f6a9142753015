namespace OrleansRelay.LoadTest.Clients;

/// <summary>A relayed call that failed; <see cref="Kind"/> is what the report counts it as (<c>http-502</c>, <c>client-timeout</c>, …).</summary>
internal sealed class RelayCallException : Exception
{
    public RelayCallException(string kind)
        : base(kind)
    {
        Kind = kind;
    }

    public RelayCallException()
        : this("unknown")
    {
    }

    public RelayCallException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = message;
    }

    public string Kind { get; } = "unknown";
}
