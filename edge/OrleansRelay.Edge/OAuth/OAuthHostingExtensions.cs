using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
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
/// OAuth 2 for integrations with OpenIddict: authorization code with PKCE (S256 only), rotating refresh tokens,
/// introspection and revocation; the discovery document advertises exactly that (see <see cref="ConfigureAdvertised"/>). OpenIddict runs in degraded mode because clients and grants live in Orleans grains (persisted like the
/// accounts) rather than in its own stores; the handlers registered here do the checks its stores would do. Codes and
/// tokens are self-contained, signed and encrypted with keys derived from the secret every edge shares, so any edge
/// accepts what another issued.
/// </summary>
internal static class OAuthHostingExtensions
{
    /// <summary>Where clients revoke tokens (RFC 7009).</summary>
    public const string RevocationPath = "/v1/oauth/revoke";

    public static IServiceCollection AddRelayOAuth(this IServiceCollection services)
    {
        services.AddOptions<OAuthOptions>().BindConfiguration(OAuthOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OAuthOptions>, OAuthOptionsValidator>());
        services.TryAddSingleton<OAuthClients>();
        services.TryAddSingleton<OAuthAccessTokens>();
        services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, OAuthJsonContext.Default));

        services.AddOpenIddict()
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(AuthorizeEndpoints.Path)
                    .SetTokenEndpointUris(TokenEndpoint.Path)
                    .SetIntrospectionEndpointUris(TokenEndpoint.Path + "/validate")
                    .SetRevocationEndpointUris(RevocationPath);
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
                server.AddEventHandler<ValidateRevocationRequestContext>(b => b.UseSingletonHandler<ClientValidationHandlers>());
                server.AddEventHandler<HandleRevocationRequestContext>(b => b.UseSingletonHandler<RevocationHandler>());
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

        services.AddOptions<OpenIddictServerOptions>().Configure<SigningSecret, IOptions<OAuthOptions>, IConfiguration>((server, secret, oauth, configuration) =>
        {
            var (issuer, problem) = OAuthIssuer.Resolve(oauth.Value.Issuer, OAuthIssuer.PublicUrl(configuration));
            server.Issuer = issuer ?? throw new InvalidOperationException(problem);
            ConfigureAdvertised(server);
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

    /// <summary>
    /// What OpenIddict accepts, and so advertises, is trimmed to what the relay does: PKCE with S256 only (RFC 9700
    /// §2.1.1: never <c>plain</c>); clients authenticate with a secret (basic or post) or, public clients, not at all
    /// (no <c>private_key_jwt</c>: clients have no keys here); scopes <c>devices</c> and <c>offline_access</c> (no
    /// <c>openid</c>: no ID tokens are issued); no <c>prompt</c> values (the consent page always asks).
    /// </summary>
    private static void ConfigureAdvertised(OpenIddictServerOptions server)
    {
        server.CodeChallengeMethods.Clear();
        server.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
        server.ClientAuthenticationMethods.Clear();
        server.ClientAuthenticationMethods.Add(ClientAuthenticationMethods.ClientSecretBasic);
        server.ClientAuthenticationMethods.Add(ClientAuthenticationMethods.ClientSecretPost);
        server.Scopes.Remove(Scopes.OpenId);
        server.PromptValues.Clear();
    }

    public static IEndpointRouteBuilder MapRelayOAuth(this IEndpointRouteBuilder routes)
    {
        routes.MapOAuthGrants();
        routes.MapAuthorize();
        routes.MapToken();
        routes.MapOAuthClients();
        return routes;
    }
}
