using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansRelay.Edge.Http;

namespace OrleansRelay.Edge.Accounts;

/// <summary>Accounts on the edge: authentication scheme, policies, sign-in throttling and endpoints.</summary>
internal static class AccountHostingExtensions
{
    public static IServiceCollection AddRelayAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName);
        services.TryAddSingleton<SigningSecret>();
        services.TryAddSingleton<TokenService>();
        services.TryAddSingleton<DeviceAccess>();
        services.TryAddSingleton<DeviceLister>();
        services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AccountJsonContext.Default));
        services.AddAuthentication(RelayClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, RelayAuthenticationHandler>(RelayClaims.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(RelayClaims.UserOrOperatorPolicy, p => p.AddAuthenticationSchemes(RelayClaims.Scheme).RequireAuthenticatedUser())
            .AddPolicy(RelayClaims.UserPolicy, p => p.AddAuthenticationSchemes(RelayClaims.Scheme).RequireClaim(RelayClaims.TokenId));

        // Per client address, on this edge: slows password guessing from one place. Per account, cluster-wide, the
        // account grain throttles (an attacker spreading over edges or addresses still meets it).
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(AccountEndpoints.SignInRateLimit, context => RateLimitPartition.GetSlidingWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new SlidingWindowRateLimiterOptions
                {
                    PermitLimit = auth.SignInPermitLimit,
                    Window = auth.SignInWindow,
                    SegmentsPerWindow = 6,
                    QueueLimit = 0,
                }));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                }

                await RelayErrors.Json(StatusCodes.Status429TooManyRequests, "Too many attempts from this address; retry later.").ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    public static IEndpointRouteBuilder MapRelayAccounts(this IEndpointRouteBuilder routes)
    {
        routes.MapAccounts();
        routes.MapConfirmation();
        routes.MapDeviceAuth();
        return routes;
    }
}
