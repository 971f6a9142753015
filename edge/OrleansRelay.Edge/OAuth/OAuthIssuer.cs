using Microsoft.Extensions.Configuration;
using OrleansRelay.Silo.Accounts;

namespace OrleansRelay.Edge.OAuth;

/// <summary>
/// The OAuth issuer: the API's public base URL (<c>Accounts:PublicUrl</c>, which confirmation links use too), which is
/// where the discovery document is served. <c>OAuth:Issuer</c> may only repeat it.
/// </summary>
internal static class OAuthIssuer
{
    /// <summary>The configuration key of the public URL.</summary>
    public const string PublicUrlKey = AccountOptions.SectionName + ":" + nameof(AccountOptions.PublicUrl);

    /// <summary>The configuration key of the explicit issuer.</summary>
    public const string IssuerKey = OAuthOptions.SectionName + ":" + nameof(OAuthOptions.Issuer);

    /// <summary>The public URL configured (or the default).</summary>
    public static string PublicUrl(IConfiguration configuration) => configuration[PublicUrlKey] ?? new AccountOptions().PublicUrl;

    /// <summary>The issuer for <paramref name="configuredIssuer"/> and <paramref name="publicUrl"/>, or why there is none.</summary>
    public static (Uri? Issuer, string? Problem) Resolve(Uri? configuredIssuer, string publicUrl)
    {
        if (Normalize(publicUrl) is not { } issuer)
        {
            return (null, $"{PublicUrlKey} ('{publicUrl}') must be an absolute http or https URL without query or fragment: the API's public base URL.");
        }

        if (configuredIssuer is not null && Normalize(configuredIssuer.OriginalString) != issuer)
        {
            return (null,
                $"{IssuerKey} ('{configuredIssuer.OriginalString}') and {PublicUrlKey} ('{publicUrl}') disagree. The OAuth issuer must be the URL "
                + $"the discovery document is served from (RFC 8414 §3.3): set {PublicUrlKey} to the API's public base URL and leave {IssuerKey} unset, "
                + "or set both to the same URL.");
        }

        return (issuer, null);
    }

    /// <summary>The URL with a path that ends in a slash (as OpenIddict writes the issuer), or null when it cannot be an issuer.</summary>
    private static Uri? Normalize(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return null;
        }

        return uri.AbsolutePath.EndsWith('/') ? uri : new UriBuilder(uri) { Path = uri.AbsolutePath + "/" }.Uri;
    }
}
