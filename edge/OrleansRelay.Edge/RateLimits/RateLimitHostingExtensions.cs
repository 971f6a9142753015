using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Edge.Diagnostics;

namespace OrleansRelay.Edge.RateLimits;

/// <summary>
/// Rate limiting on the client API: per client address for every <c>/v1</c> request (the ASP.NET Core rate limiter's
/// global limiter, before authentication), per user and per device on the relay (<see cref="Http.RelayEndpoint"/>),
/// and the 429 answer shared with the sign-in limit of <c>Auth</c>.
/// </summary>
internal static partial class RateLimitHostingExtensions
{
    public static IServiceCollection AddRelayRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName);
        services.TryAddSingleton<RelayRateLimits>();
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = TokenBuckets.Create<HttpContext>(
                context => limits.Enabled ? AddressPartition(context) : null,
                limits.AddressPermitsPerSecond,
                limits.AddressBurst);
            limiter.OnRejected = async (context, _) =>
            {
                var http = context.HttpContext;
                var signIn = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == AccountEndpoints.SignInRateLimit;
                var limit = signIn ? Limits.SignIn : Limits.RateAddress;
                http.RequestServices.GetRequiredService<EdgeMetrics>().LimitRejected(limit);
                Log.Limited(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimitHostingExtensions)), http.Request.Path, limit, http.Connection.RemoteIpAddress?.ToString());
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : (TimeSpan?)null;
                var message = signIn ? "Too many attempts from this address; retry later." : "Too many requests from this address; retry later.";
                await RateLimitResponse.TooManyRequests(http, retryAfter, message).ExecuteAsync(http);
            };
        });
        return services;
    }

    /// <summary>The client address of a <c>/v1</c> request by anyone but an operator; null (not limited) otherwise.</summary>
    private static string? AddressPartition(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v1") || DeviceAccess.IsOperator(context.User))
        {
            return null;
        }

        var address = context.Connection.RemoteIpAddress;
        return (address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address ?? IPAddress.None).ToString();
    }

    private static partial class Log
    {
        [LoggerMessage(3201, LogLevel.Information, "Request {Path} from {RemoteAddress} refused by the {Limit} rate limit")]
        public static partial void Limited(ILogger logger, string path, string limit, string? remoteAddress);
    }
}
