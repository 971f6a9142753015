using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OrleansRelay.Edge.Accounts;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace OrleansRelay.Edge.OAuth;

/// <summary>
/// OAuth 2 for integrations with OpenIddict: authorization code with PKCE (required), rotating refresh tokens and
/// introspection. OpenIddict runs in degraded mode because clients and grants live in Orleans grains (persisted like the
/// accounts) rather than in its own stores; the handlers registered here do the checks its stores would do. Codes and
/// tokens are self-contained, signed and encrypted with keys derived from the secret every edge shares, so any edge
/// accepts what another issued.
/// </summary>
internal static class OAuthHostingExtensions
{
    public static IServiceCollection AddRelayOAuth(this IServiceCollection services)
    {
        services.AddOptions<OAuthOptions>().BindConfiguration(OAuthOptions.SectionName);
        services.TryAddSingleton<OAuthClients>();
        services.TryAddSingleton<OAuthAccessTokens>();
        services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, OAuthJsonContext.Default));

        services.AddOpenIddict()
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(AuthorizeEndpoints.Path)
                    .SetTokenEndpointUris(TokenEndpoint.Path)
                    .SetIntrospectionEndpointUris(TokenEndpoint.Path + "/validate");
                server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().RequireProofKeyForCodeExchange();
                server.RegisterScopes(OAuthClaims.DevicesScope, Scopes.OfflineAccess);
                server.EnableDegradedMode().DisableTokenStorage().DisableAuthorizationStorage();
                // Right after the redirect_uri's syntax check, so an unknown client is the first thing reported. OpenIddict
                // answers every request it rejects while validating (missing PKCE, unknown scope) with a 400 of its own and
                // redirects nothing; only a denial after validation goes back to the client's redirect URI.
                server.AddEventHandler<ValidateAuthorizationRequestContext>(b => b.UseSingletonHandler<ClientValidationHandlers>()
                    .SetOrder(OpenIddictServerHandlers.Authentication.ValidateRedirectUriParameter.Descriptor.Order + 1));
                server.AddEventHandler<ValidateTokenRequestContext>(b => b.UseSingletonHandler<ClientValidationHandlers>());
                server.AddEventHandler<ValidateIntrospectionRequestContext>(b => b.UseSingletonHandler<ClientValidationHandlers>());
                server.AddEventHandler<HandleIntrospectionRequestContext>(b => b.UseSingletonHandler<IntrospectionHandler>());
                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    // TLS ends at the load balancer in front of the edges (docs/deployment.md).
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
            });

        services.AddOptions<OpenIddictServerOptions>().Configure<SigningSecret, IOptions<OAuthOptions>>((server, secret, oauth) =>
        {
            server.Issuer = oauth.Value.Issuer;
            server.AuthorizationCodeLifetime = oauth.Value.AuthorizationCodeLifetime;
            server.AccessTokenLifetime = oauth.Value.AccessTokenLifetime;
            server.RefreshTokenLifetime = oauth.Value.RefreshTokenLifetime;
            // OpenIddict signs with an asymmetric key: a P-256 key whose private scalar is derived from the shared secret,
            // so every edge holds the same key without a key file to distribute.
            var signing = new ECDsaSecurityKey(ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                D = secret.DeriveKey("OrleansRelay OAuth signing v1"),
            })) { KeyId = "oauth-sign-1" };
            var encryption = new SymmetricSecurityKey(secret.DeriveKey("OrleansRelay OAuth encryption v1")) { KeyId = "oauth-enc-1" };
            server.SigningCredentials.Add(new SigningCredentials(signing, SecurityAlgorithms.EcdsaSha256));
            server.EncryptionCredentials.Add(new EncryptingCredentials(encryption, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
        });
        return services;
    }

    public static IEndpointRouteBuilder MapRelayOAuth(this IEndpointRouteBuilder routes)
    {
        routes.MapAuthorize();
        routes.MapToken();
        routes.MapOAuthClients();
        return routes;
    }
}
