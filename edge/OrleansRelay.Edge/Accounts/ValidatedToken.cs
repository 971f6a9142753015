using System.Security.Claims;

namespace OrleansRelay.Edge.Accounts;

/// <summary>What a verified token says.</summary>
internal sealed record ValidatedToken(string Email, string TokenId, long Generation, DateTimeOffset Expires)
{
    public ClaimsPrincipal ToPrincipal() => new(new ClaimsIdentity(
        [
            new Claim(RelayClaims.Email, Email),
            new Claim(RelayClaims.TokenId, TokenId),
            new Claim(RelayClaims.Expires, Expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(RelayClaims.Generation, Generation.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ],
        RelayClaims.Scheme,
        RelayClaims.Email,
        ClaimTypes.Role));
}
