using Microsoft.AspNetCore.Http;

namespace OrleansRelay.Device.Hosting;

/// <summary>Answers with the daemon's JSON error body (<see cref="ErrorBody"/>), like the relay's.</summary>
internal static class JsonErrorResponse
{
    /// <summary>Writes the error; <paramref name="retryAfterSeconds"/> adds a <c>Retry-After</c> header.</summary>
    public static Task WriteAsync(HttpResponse response, int status, string message, int? retryAfterSeconds = null)
    {
        response.Clear();
        response.StatusCode = status;
        if (retryAfterSeconds is int seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return response.WriteAsJsonAsync(new ErrorBody(status, message), DeviceJsonContext.Default.ErrorBody);
    }
}
