namespace OrleansRelay.Edge.Accounts;

/// <summary>Names of the relay's authentication scheme, policies and claims.</summary>
public static class RelayClaims
{
    /// <summary>The authentication scheme: operator key or user bearer token.</summary>
    public const string Scheme = "Relay";

    /// <summary>Policy: any authenticated caller (a user or an operator).</summary>
    public const string UserOrOperatorPolicy = "relay-user-or-operator";

    /// <summary>Policy: users signed in with a session token from <c>POST /v1/auth</c> (not an OAuth client acting for them).</summary>
    public const string UserPolicy = "relay-user";

    /// <summary>Role claim value of the operator.</summary>
    public const string OperatorRole = "operator";

    /// <summary>Claim: the user's normalized e-mail address.</summary>
    public const string Email = "email";

    /// <summary>Claim: the token's id.</summary>
    public const string TokenId = "jti";

    /// <summary>Claim: the token's expiry (Unix seconds).</summary>
    public const string Expires = "exp";

    /// <summary>Claim: the account's token generation the session token was issued in.</summary>
    public const string Generation = "gen";
}
