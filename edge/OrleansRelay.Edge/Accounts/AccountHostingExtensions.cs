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
        services.TryAddSingleton<CredentialCache>();
        services.TryAddSingleton(sp => new DeviceAccess(sp.GetRequiredService<DataPlane.DeviceRoutes>()));
        services.TryAddSingleton<DeviceLister>();
        services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AccountJsonContext.Default));
        services.AddAuthentication(RelayClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, RelayAuthenticationHandler>(RelayClaims.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(RelayClaims.UserOrOperatorPolicy, p => p.AddAuthenticationSchemes(RelayClaims.Scheme).RequireAuthenticatedUser())
            .AddPolicy(RelayClaims.UserPolicy, p => p.AddAuthenticationSchemes(RelayClaims.Scheme).RequireClaim(RelayClaims.TokenId));

        // Per client address, on this edge: slows password guessing from one place. Per account, cluster-wide, the
        // account grain throttles (an attacker spreading over edges or addresses still meets it). The 429 is written by
        // the rate limiter's OnRejected (RateLimits/RateLimitHostingExtensions).
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
