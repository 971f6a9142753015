using System.Globalization;
using Microsoft.AspNetCore.Http;
using OrleansRelay.Edge.Http;

namespace OrleansRelay.Edge.RateLimits;

/// <summary>The 429 every limit answers: <c>Retry-After</c> in whole seconds (at least 1) and the usual JSON error body.</summary>
internal static class RateLimitResponse
{
    public static IResult TooManyRequests(HttpContext context, TimeSpan? retryAfter, string message)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return RelayErrors.Json(StatusCodes.Status429TooManyRequests, message);
    }
}
