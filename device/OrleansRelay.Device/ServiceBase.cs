namespace OrleansRelay.Device;

/// <summary>
/// The local service's base URL as the text relayed targets are appended to: scheme, authority and path, without a
/// trailing slash (targets start with one).
/// </summary>
internal static class ServiceBase
{
    /// <summary>The base of <paramref name="serviceUrl"/>, e.g. <c>http://127.0.0.1:8080/api</c>.</summary>
    /// <exception cref="ArgumentException">See <see cref="Problem"/>.</exception>
    public static string Of(Uri serviceUrl) => Problem(serviceUrl) is { } problem
        ? throw new ArgumentException(problem, nameof(serviceUrl))
        : serviceUrl.GetLeftPart(UriPartial.Authority) + serviceUrl.AbsolutePath.TrimEnd('/');

    /// <summary>Why <paramref name="serviceUrl"/> cannot be the local service's base URL, or null when it can.</summary>
    public static string? Problem(Uri serviceUrl)
    {
        if (!serviceUrl.IsAbsoluteUri || serviceUrl.Scheme is not ("http" or "https"))
        {
            return $"The local service URL '{serviceUrl}' must be an absolute http or https URL.";
        }

        return serviceUrl.Query.Length > 0 || serviceUrl.Fragment.Length > 0
            ? $"The local service URL '{serviceUrl}' must not have a query or fragment: relayed paths are appended to its path."
            : null;
    }
}
