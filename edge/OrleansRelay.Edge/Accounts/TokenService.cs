using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansRelay.Edge.Accounts;

/// <summary>
/// Issues and checks user tokens: JWTs signed with HMAC-SHA256 under a key every edge shares, carrying the address
/// (<c>sub</c>), a token id (<c>jti</c>) and the account's token generation (<c>gen</c>). The signature and expiry are
/// checked here; revocation (generation, signed-out ids) by the account grain.
/// </summary>
internal sealed class TokenService
{
    public const string Issuer = "orleansrelay";
    public const string Audience = "orleansrelay-api";
    private const string GenerationClaim = "gen";

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SymmetricSecurityKey _key;
    private readonly TimeProvider _time;
    private readonly TokenValidationParameters _validation;

    public TokenService(SigningSecret secret, TimeProvider time)
    {
        _time = time;
        _key = new SymmetricSecurityKey(secret.DeriveKey("OrleansRelay user tokens v1")) { KeyId = "relay-1" };
        _validation = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            LifetimeValidator = (notBefore, expires, _, _) => expires is { } e && e > _time.GetUtcNow().UtcDateTime - TimeSpan.FromSeconds(30),
        };
    }

    public (string Token, DateTimeOffset Expires, string TokenId) Issue(string email, long generation, TimeSpan lifetime)
    {
        var now = _time.GetUtcNow();
        var expires = now + lifetime;
        var id = Guid.NewGuid().ToString("N");
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = email,
                [JwtRegisteredClaimNames.Jti] = id,
                [GenerationClaim] = generation,
            },
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires, id);
    }

    /// <summary>The token's address, id, generation and expiry when its signature and lifetime check out; else null.</summary>
    public async Task<ValidatedToken?> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, _validation);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return null;
        }

        if (!jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var email)
            || !jwt.TryGetPayloadValue<long>(GenerationClaim, out var generation)
            || string.IsNullOrEmpty(jwt.Id))
        {
            return null;
        }

        return new ValidatedToken(email, jwt.Id, generation, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
    }
}
