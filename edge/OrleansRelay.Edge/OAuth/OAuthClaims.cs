namespace OrleansRelay.Edge.OAuth;

/// <summary>Names of the OAuth scopes and of the relay's private claims inside OAuth codes and tokens.</summary>
public static class OAuthClaims
{
    /// <summary>Scope: reach the consented devices through the relay API (relay, events, device list).</summary>
    public const string DevicesScope = "devices";

    /// <summary>Claim: the grant the code or token belongs to.</summary>
    public const string Grant = "orl_grant";

    /// <summary>Claim: one consented device id (repeated).</summary>
    public const string Device = "orl_device";

    /// <summary>Claim (authorization code only): the code's id, redeemable once.</summary>
    public const string CodeId = "orl_code";

    /// <summary>Claim (refresh token only): the refresh token's id, for rotation and replay detection.</summary>
    public const string RefreshId = "orl_refresh";

    /// <summary>Claim of the relay principal: the OAuth client a request comes from.</summary>
    public const string Client = "orl_client";
}
