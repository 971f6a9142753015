using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansRelay.Edge.Hosting;

/// <summary>Applies <see cref="HttpLimitsOptions"/> to Kestrel.</summary>
internal static class HttpLimitsSetup
{
    public static void Apply(KestrelServerLimits limits, HttpLimitsOptions options)
    {
        if (options.MinDataRateGracePeriod <= TimeSpan.FromSeconds(1))
        {
            throw new InvalidOperationException("HttpLimits:MinDataRateGracePeriod must be more than 1 second (Kestrel checks the rates once a second).");
        }
        limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersTotalSize;
        limits.MaxRequestHeaderCount = options.MaxRequestHeaderCount;
        limits.MaxRequestLineSize = options.MaxRequestLineSize;
        limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
        limits.KeepAliveTimeout = options.KeepAliveTimeout;
        limits.MinRequestBodyDataRate = new MinDataRate(options.MinRequestBodyBytesPerSecond, options.MinDataRateGracePeriod);
        limits.MinResponseDataRate = new MinDataRate(options.MinResponseBytesPerSecond, options.MinDataRateGracePeriod);
        limits.MaxConcurrentConnections = options.MaxConcurrentConnections;
    }
}
