using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace OrleansRelay.Edge.OAuth;

/// <summary>Refuses to start an edge whose OAuth issuer would not be where its metadata is served (see <see cref="OAuthIssuer"/>).</summary>
internal sealed class OAuthOptionsValidator : IValidateOptions<OAuthOptions>
{
    private readonly IConfiguration _configuration;

    public OAuthOptionsValidator(IConfiguration configuration)
    {
        _configuration = configuration;
    }

    public ValidateOptionsResult Validate(string? name, OAuthOptions options) =>
        OAuthIssuer.Resolve(options.Issuer, OAuthIssuer.PublicUrl(_configuration)).Problem is { } problem
            ? ValidateOptionsResult.Fail(problem)
            : ValidateOptionsResult.Success;
}
